//! The bad and good manifests under `tests/data`, each pinned by a snapshot.

use clawkit_manifest::PluginManifest;

use crate::lines;

#[test]
fn bad_manifests_report_every_problem_with_its_position() {
    insta::glob!("../data", "bad/*", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let report = PluginManifest::parse(&bytes, &name);
        assert!(
            !report.diagnostics().is_empty(),
            "{name} should have at least one diagnostic"
        );
        assert!(
            report.diagnostics().iter().all(|d| d.file == name),
            "every diagnostic names the file"
        );
        insta::assert_snapshot!(lines(report.diagnostics()));
    });
}

#[test]
fn bad_manifests_directory_holds_at_least_25_cases() {
    let count = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bad"))
        .unwrap()
        .count();
    assert!(count >= 25, "only {count} bad manifests");
}

#[test]
fn good_manifests_parse_without_errors_into_the_model() {
    insta::glob!("../data", "good/*", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let report = PluginManifest::parse(&bytes, &name);
        assert!(report.is_valid(), "{}", report.diagnostics().render(false));
        assert!(
            report.diagnostics().is_empty(),
            "good manifests have no warnings either:\n{}",
            report.diagnostics().render(false)
        );
        insta::assert_json_snapshot!(report.value().unwrap());
    });
}

#[test]
fn rendering_shows_the_source_line_and_a_caret() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bad/json5-with-errors.json5"
    ))
    .unwrap();
    let report = PluginManifest::parse(&bytes, "plugin/openclaw.plugin.json");
    insta::assert_snapshot!(report.diagnostics().render(false));
}
