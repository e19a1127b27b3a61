//! Any bytes, cut into reads anywhere, give SSE events or a typed error,
//! never a panic; the same bytes cut differently give the same events.

#![no_main]

use bytes::Bytes;
use clawkit_http::sse::SseDecoder;
use libfuzzer_sys::fuzz_target;

fn decode(reads: &[&[u8]]) -> Option<Vec<String>> {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    for read in reads {
        decoder
            .push(Bytes::copy_from_slice(read), &mut events)
            .ok()?;
    }
    decoder.finish(&mut events).ok()?;
    Some(events.iter().map(|e| format!("{e:?}")).collect())
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, body)) = data.split_first() else {
        return;
    };
    let at = usize::from(cut) % (body.len() + 1);
    let whole = decode(&[body]);
    let split = decode(&[&body[..at], &body[at..]]);
    // A read boundary changes nothing a client sees.
    if let (Some(whole), Some(split)) = (&whole, &split) {
        assert_eq!(whole, split);
    }
});
