//! End to end: JSX with React from npm (the automatic runtime, `.jsx` files, CommonJS React in
//! the browser's esm build), and JSX in `.js` files with a suite's classic-runtime overrides.

use proctor_e2e::downloads::{link_node_modules, npm_packages};
use proctor_e2e::{browser_lock, model, Project};

const COUNTER: &str = "import { useState } from \"react\";\n\n\
export function Counter({ start }) {\n  const [count] = useState(start);\n  return <button className=\"counter\">count {count}</button>;\n}\n";

const RENDER_TEST: &str = "import { expect, it } from \"proctor\";\nimport { renderToString } from \"react-dom/server\";\nimport { Counter } from \"./Counter\";\n\n\
it(\"renders a component with hooks to a string\", () => {\n  \
expect(renderToString(<Counter start={3} />)).toBe('<button class=\"counter\">count <!-- -->3</button>');\n});\n";

const DOM_TEST: &str = "import { expect, it } from \"proctor\";\nimport { flushSync } from \"react-dom\";\nimport { createRoot } from \"react-dom/client\";\nimport { Counter } from \"./Counter\";\n\n\
it(\"mounts a component in the page\", () => {\n  const host = document.createElement(\"div\");\n  document.body.append(host);\n  \
const root = createRoot(host);\n  flushSync(() => root.render(<Counter start={1} />));\n  \
expect(host.querySelector(\"button.counter\").textContent).toBe(\"count 1\");\n  root.unmount();\n});\n";

#[test]
fn react_from_npm_runs_in_node_and_chromium() {
    let Some(deps) = npm_packages("react18", &["react@18.3.1", "react-dom@18.3.1"]) else { return };
    let project = Project::empty();
    link_node_modules(&deps, project.path());
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"node\"\nruntime = \"node\"\ntests = [\"src/**/*.test.jsx\"]\nexclude = [\"src/**/*.dom.test.jsx\"]\n\n\
             [[suite]]\nid = \"browser\"\nruntime = \"chromium\"\nbuild = \"esm\"\ntests = [\"src/**/*.test.jsx\"]\n",
        )
        .write("src/Counter.jsx", COUNTER)
        .write("src/Counter.test.jsx", RENDER_TEST)
        .write("src/Counter.dom.test.jsx", DOM_TEST);
    let _browser = browser_lock();
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.outcomes_by_runtime(),
        model(&[
            ("node|src/Counter.test.jsx::renders a component with hooks to a string", "passed"),
            ("chromium|src/Counter.test.jsx::renders a component with hooks to a string", "passed"),
            ("chromium|src/Counter.dom.test.jsx::mounts a component in the page", "passed"),
        ]),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    out.assert_code(0);
}

#[test]
fn jsx_in_js_files_follows_the_suite_overrides() {
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.js\"]\n\
             jsx-in-js = true\njsx = \"classic\"\njsx-factory = \"h\"\njsx-fragment = \"Frag\"\n",
        )
        .write(
            // The tsconfig says automatic with another import source: proctor.toml wins.
            "tsconfig.json",
            r#"{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "nowhere" } }"#,
        )
        .write(
            "test/h.js",
            "export const Frag = \"frag\";\nexport function h(type, props, ...children) {\n  return { type, props, children };\n}\n",
        )
        .write(
            "test/view.test.js",
            "import { expect, it } from \"proctor\";\nimport { h, Frag } from \"./h\";\n\n\
             it(\"turns JSX in a .js file into the suite's factory calls\", () => {\n  \
             expect(<p id=\"a\">x<>y</></p>).toEqual({ type: \"p\", props: { id: \"a\" }, children: [\"x\", { type: \"frag\", props: null, children: [\"y\"] }] });\n});\n",
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.outcomes(),
        model(&[("test/view.test.js::turns JSX in a .js file into the suite's factory calls", "passed")]),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    out.assert_code(0);
}
