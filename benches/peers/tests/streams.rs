//! The served bodies: each has exactly `DELTAS` text deltas, and the floor's
//! decoder and clawkit's `StreamDecoder` rebuild the same text from it (in
//! memory, no socket), which is what every client is checked against.

use clawkit_core::StreamEvent;
use clawkit_peer_bench::{DELTAS, Error, Stream, clawkit_decode, reads};

#[test]
fn every_body_has_the_deltas_and_one_text() -> Result<(), Error> {
    for stream in Stream::ALL {
        let body = stream.body()?;
        let model = stream.clawkit_model("http://127.0.0.1:9/v1")?;
        let mut decoder = clawkit_http::StreamDecoder::new(&model).ok_or("no decoder")?;
        let mut events = Vec::new();
        for read in reads(&body) {
            decoder.push(read, &mut events);
        }
        decoder.finish(&mut events);
        let deltas = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::TextDelta { .. }))
            .count();
        assert_eq!(deltas, DELTAS, "{}: text deltas", stream.name());
        assert!(
            events
                .iter()
                .all(|e| !matches!(e, StreamEvent::Error { .. })),
            "{}: an error event",
            stream.name()
        );

        let expected = stream.expected_text()?;
        assert!(
            expected.len() > DELTAS,
            "{}: too little text",
            stream.name()
        );
        assert_eq!(
            clawkit_decode(&model, &reads(&body))?,
            expected,
            "{}: clawkit's text differs from the floor's",
            stream.name()
        );
    }
    Ok(())
}

#[test]
fn the_anthropic_body_keeps_the_recorded_events_around_the_deltas() -> Result<(), Error> {
    let body = String::from_utf8(Stream::Anthropic.body()?)?;
    let kinds: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    assert_eq!(
        kinds[..3],
        ["message_start", "content_block_start", "ping"],
        "the opening events"
    );
    assert_eq!(
        kinds[kinds.len() - 3..],
        ["content_block_stop", "message_delta", "message_stop"],
        "the closing events"
    );
    assert_eq!(kinds.len(), DELTAS + 6);
    Ok(())
}
