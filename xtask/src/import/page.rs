//! A Currents docs page: every fenced `json` block is a one-operation OpenAPI document.
//!
//! Any block that is not is an error naming the block and its line, and then nothing is
//! written: a half-imported page would merge into a spec that silently lacks operations.

use std::collections::BTreeMap;

use anyhow::Context as _;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::{canonical::to_canonical_string, fragments};
/// A fenced `json` block on the page.
#[derive(Debug, PartialEq)]
struct Block {
    /// 1-based position among the page's `json` blocks.
    number: usize,
    /// 1-based line of the opening fence.
    line: usize,
    text: String,
}

/// The fragments a page defines, by file name, in the canonical layout.
pub(super) fn fragments_of(markdown: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let mut fragments = BTreeMap::new();
    for block in json_blocks(markdown) {
        let at = format!("block {} (line {})", block.number, block.line);
        let document: Value = serde_json::from_str(&block.text).map_err(|error| {
            // The fence is one line above the block's first line.
            anyhow::anyhow!(
                "{at} is not valid JSON: {error} (page line {})",
                block.line + error.line()
            )
        })?;
        if !document
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("3.0"))
        {
            anyhow::bail!(
                "{at} is not an OpenAPI 3.0 document: it has no \"openapi\": \"3.0.x\" field"
            );
        }
        if let Err(error) = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&document) {
            anyhow::bail!(
                "{at} is not a valid OpenAPI document at {}: {}",
                error.path(),
                error.inner()
            );
        }
        let ids = fragments::operations(&document)
            .map(|(path, method, operation)| {
                operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .with_context(|| {
                        format!("{at}: {} {path} has no operationId", method.to_uppercase())
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let [id] = ids.as_slice() else {
            anyhow::bail!(
                "{at} defines {} operations; a fragment must define exactly one",
                ids.len()
            );
        };
        let file = format!("{id}.json");
        if fragments
            .insert(file.clone(), to_canonical_string(&document))
            .is_some()
        {
            anyhow::bail!("{at} defines {id} again; operationIds must be unique on the page");
        }
    }
    anyhow::ensure!(!fragments.is_empty(), "the page has no fenced json blocks");
    Ok(fragments)
}

fn json_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("json") =>
            {
                current = Some(Block {
                    number: blocks.len() + 1,
                    line: markdown[..range.start].matches('\n').count() + 1,
                    text: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragment(id: &str, path: &str) -> String {
        format!(
            r#"{{"openapi":"3.0.2","info":{{"title":"T","version":"1"}},"paths":{{"{path}":{{"get":{{"operationId":"{id}","responses":{{"200":{{"description":"ok"}}}}}}}}}}}}"#
        )
    }

    fn page(blocks: &[String]) -> String {
        let mut page = String::from("# Runs\n\nIntro text.\n");
        for block in blocks {
            page.push_str(&format!(
                "\n## Operation\n\n> Summary\n\n```json\n{block}\n```\n"
            ));
        }
        page.push_str("\n```\nGET https://example.invalid/?ask=question\n```\n");
        page
    }

    #[test]
    fn every_json_block_becomes_a_fragment_named_by_its_operation() {
        let imported = fragments_of(&page(&[
            fragment("getRun", "/runs/{id}"),
            fragment("findRun", "/runs/find"),
        ]))
        .expect("valid page");
        assert_eq!(
            imported.keys().collect::<Vec<_>>(),
            ["findRun.json", "getRun.json"]
        );
        assert!(
            imported["getRun.json"].starts_with("{\n  \"info\""),
            "{}",
            imported["getRun.json"]
        );
    }

    #[test]
    fn invalid_json_names_the_block_and_its_line() {
        let error = fragments_of(&page(&[
            fragment("getRun", "/a"),
            "{\"openapi\": ".to_owned(),
        ]))
        .expect_err("second block is broken");
        let message = format!("{error:#}");
        assert!(
            message.contains("block 2 (line 17) is not valid JSON"),
            "{message}"
        );
    }

    #[test]
    fn a_json_block_that_is_not_openapi_is_refused() {
        let error = fragments_of(&page(&[
            fragment("getRun", "/a"),
            "{\"hello\": 1}".to_owned(),
        ]))
        .expect_err("not OpenAPI");
        assert_eq!(
            error.to_string(),
            "block 2 (line 17) is not an OpenAPI 3.0 document: it has no \"openapi\": \"3.0.x\" field"
        );
    }
}
