//! `proctor list`: the plan after selection, as text (one line per test: id, tags, mode,
//! location, and why it will not run) or JSON, without starting a runtime.

use crate::cli::{ListArgs, ListFormat};
use crate::commands::{selected_plan, warn_config, CommandError};
use crate::config::resolve;
use crate::exit::SUCCESS;
use crate::plan::{Plan, PlanNode};
use crate::select::Decision;

/// `proctor list`.
pub fn list(args: ListArgs) -> Result<u8, CommandError> {
    let mut config = resolve(&args.project, None)?;
    warn_config(&config);
    crate::init::note_unmigrated(&config);
    if args.project.print_config {
        outln!("{}", serde_json::to_string_pretty(&config).unwrap_or_default());
        return Ok(SUCCESS);
    }
    let plan = selected_plan(&mut config)?;
    match args.format {
        ListFormat::Json => outln!("{}", serde_json::to_string_pretty(&plan).unwrap_or_default()),
        ListFormat::Text => out!("{}", plan_text(&plan)),
    }
    Ok(SUCCESS)
}

/// One line per test: id, tags, mode, location, and why it will not run when it will not.
/// Suite prefixes appear when there are several. A last line counts what would run.
fn plan_text(plan: &Plan) -> String {
    let prefix_suites = plan.suites.len() > 1;
    let mut out = String::new();
    let mut counts = ListCounts::default();
    for suite in &plan.suites {
        let prefix = if prefix_suites { format!("{}:", suite.id) } else { String::new() };
        for file in &suite.files {
            if let Some(err) = &file.syntax_error {
                let state = if file.selected { "" } else { "  (not selected)" };
                out.push_str(&format!(
                    "{prefix}{}  (syntax error at {}:{}:{}: {}){state}\n",
                    file.path, file.path, err.location.line, err.location.column, err.message
                ));
                continue;
            }
            list_nodes(&mut out, &mut counts, &prefix, &file.path, &file.path, &file.nodes);
        }
    }
    let mut parts = vec![format!("{} selected", counts.selected)];
    if counts.pending > 0 {
        parts.push(format!("{} with dynamic names decided at load", counts.pending));
    }
    parts.push(format!("{} skipped", counts.skipped));
    out.push_str(&format!("\n{} tests: {}\n", counts.selected + counts.pending + counts.skipped, parts.join(", ")));
    out
}

#[derive(Default)]
struct ListCounts {
    selected: usize,
    pending: usize,
    skipped: usize,
}

fn list_nodes(out: &mut String, counts: &mut ListCounts, prefix: &str, file: &str, parent: &str, nodes: &[PlanNode]) {
    for node in nodes {
        match node {
            PlanNode::Group(group) => {
                let id = group.id.clone().unwrap_or_else(|| format!("{parent}::{}", group.name));
                list_nodes(out, counts, prefix, file, &id, &group.children);
            }
            PlanNode::Test(test) => {
                let id = test.id.clone().unwrap_or_else(|| format!("{parent}::{}", test.name));
                let mut notes = Vec::new();
                if !test.tags.is_empty() {
                    notes.push(format!("[{}]", test.tags.join(", ")));
                }
                match test.mode {
                    protocol::TestMode::Run => {}
                    protocol::TestMode::Skip => notes.push("(skip)".into()),
                    protocol::TestMode::Only => notes.push("(only)".into()),
                    protocol::TestMode::Todo => notes.push("(todo)".into()),
                }
                if test.dynamic {
                    notes.push("(dynamic name)".into());
                }
                let notes = if notes.is_empty() { String::new() } else { format!("  {}", notes.join(" ")) };
                let state = match &test.decision {
                    Decision::Selected => {
                        counts.selected += 1;
                        String::new()
                    }
                    Decision::Pending => {
                        counts.pending += 1;
                        String::new()
                    }
                    Decision::Skipped(reason) => {
                        counts.skipped += 1;
                        format!("  → skipped: {reason}")
                    }
                };
                out.push_str(&format!(
                    "{prefix}{id}{notes}  {file}:{}:{}{state}\n",
                    test.location.line, test.location.column
                ));
            }
        }
    }
}
