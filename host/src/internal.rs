//! `proctor internal`: answers a node process's loader hooks for what the manifest did not
//! cover (a computed `import()`, a file reached only at run time), with the same resolver and
//! transform cache the host used, so the answer is the one the host would have written. One JSON
//! object on stdout; the exit code is 0 when there is an answer, 1 when the answer is an error.

use crate::build::{ModuleSettings, ProjectModules};
use crate::cli::{InternalArgs, InternalRequest};
use crate::resolve::{ImportKind, Resolution};
use crate::transform::ModuleFormat;
use serde_json::json;

/// Answers one request; returns the exit code.
pub fn answer(args: InternalArgs) -> u8 {
    let settings: ModuleSettings = match std::fs::read_to_string(&args.settings)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(settings) => settings,
        Err(message) => {
            return reply(json!({ "error": format!("failed to read {}: {message}", args.settings.display()) }))
        }
    };
    let modules = ProjectModules::new(settings);
    match args.request {
        InternalRequest::Transform { file } => match modules.transformed(&file) {
            Ok(Some(cached)) => reply(json!({
                "code": cached.code_path,
                "format": match cached.format { ModuleFormat::Module => "module", ModuleFormat::CommonJs => "commonjs" },
            })),
            Ok(None) => reply(json!({ "error": format!("{} needs no transform", file.display()) })),
            Err(error) => reply(json!({ "error": error.to_string() })),
        },
        InternalRequest::Resolve { from, require, specifier } => {
            let kind = if require { ImportKind::Require } else { ImportKind::Import };
            match modules.resolver().resolve(&from, &specifier, kind) {
                Ok(Resolution::File(path)) => reply(json!({ "path": path })),
                Ok(Resolution::Builtin(name)) => reply(json!({ "builtin": name })),
                Ok(Resolution::Empty(path)) => reply(json!({ "path": path })),
                // The controller's hooks answer these before they ask the host.
                Ok(Resolution::TestApi) => {
                    reply(json!({ "error": format!("\"{specifier}\" is the test API, which the controller answers") }))
                }
                Err(error) => reply(json!({ "error": error.to_string() })),
            }
        }
    }
}

/// Prints the answer; 1 when it is an error.
fn reply(value: serde_json::Value) -> u8 {
    outln!("{value}");
    u8::from(value.get("error").is_some())
}
