//! `#[test]` for the `cli` integration test binary, which runs on its own harness
//! (`tests/cli/harness.rs`, libtest-mimic) so that a test whose tool is missing can end
//! as ignored. The attribute keeps the function as written and adds one registration,
//! `inventory::submit!`, carrying `module_path!()` and the function's name, so the
//! runner names the test `rules::some_test` exactly as libtest did.

use proc_macro::{Delimiter, TokenStream, TokenTree};

/// Registers a test function with the `cli` binary's harness.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    if !args.is_empty() {
        return error("#[test] takes no arguments here");
    }
    if let Some(attribute) = unsupported_attribute(&item) {
        return error(&format!(
            "#[{attribute}] is not supported by tests/cli's harness: a test that needs a tool calls support::require()"
        ));
    }
    let Some(name) = function_name(&item) else {
        return error("#[test] goes on a function");
    };
    let registration = format!(
        "::inventory::submit! {{ crate::harness::Test::new(module_path!(), {:?}, {name}) }}",
        name
    );
    let mut out = item;
    out.extend(registration.parse::<TokenStream>().expect("a registration"));
    out
}

/// The identifier after the item's `fn` keyword.
fn function_name(item: &TokenStream) -> Option<String> {
    let mut tokens = item.clone().into_iter();
    while let Some(token) = tokens.next() {
        if matches!(&token, TokenTree::Ident(word) if word.to_string() == "fn") {
            return match tokens.next() {
                Some(TokenTree::Ident(name)) => Some(name.to_string()),
                _ => None,
            };
        }
    }
    None
}

/// `ignore` or `should_panic` among the function's attributes: libtest's, which this
/// harness does not read.
fn unsupported_attribute(item: &TokenStream) -> Option<String> {
    item.clone().into_iter().find_map(|token| match token {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => {
            match group.stream().into_iter().next() {
                Some(TokenTree::Ident(word))
                    if ["ignore", "should_panic"].contains(&word.to_string().as_str()) =>
                {
                    Some(word.to_string())
                }
                _ => None,
            }
        }
        _ => None,
    })
}

fn error(message: &str) -> TokenStream {
    format!("compile_error!({message:?});").parse().expect("a compile_error! call")
}
