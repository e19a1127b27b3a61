//! `docs/hooks.md` lists the hooks in the order of `PROVIDER_HOOKS`.

use clawkit_core::PROVIDER_HOOKS;

#[test]
fn the_hook_table_of_the_docs_follows_provider_hooks() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/hooks.md");
    let doc = std::fs::read_to_string(path).unwrap();
    // Rows of the hook table: `| # | `name` | stage | …`.
    let rows: Vec<(String, String, String)> = doc
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((
                cells[1].to_owned(),
                name.to_owned(),
                cells.get(3)?.to_string(),
            ))
        })
        .collect();
    let documented: Vec<(String, String, String)> = PROVIDER_HOOKS
        .iter()
        .map(|hook| {
            let number = hook.number.map_or("–".to_owned(), |n| n.to_string());
            (number, hook.name.to_owned(), hook.stage.as_str().to_owned())
        })
        .collect();
    assert_eq!(
        rows, documented,
        "docs/hooks.md and PROVIDER_HOOKS disagree"
    );
}
