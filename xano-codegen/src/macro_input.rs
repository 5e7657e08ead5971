//! The arguments of the `generate!` macro and its expansion, kept here (not in the
//! proc-macro crate) so that tests can compare the macro's output with the CLI's.
//!
//! ```ignore
//! generate!("specs/auth.json");
//! generate!(spec = "specs/auth.json", module = "auth", derives = ["Eq", "Hash"]);
//! generate!(specs = ["specs/auth.json", "specs/shop.json"]);
//! generate!(spec = "specs/chat.json", stream = ["POST /chat"]);
//! generate!(spec = "specs/huge.json", max_spec_size = "64M", max_depth = 256);
//! generate!(
//!     spec = "specs/shop.json",
//!     rename = { Book = "Novel", get_books = "list_books" },
//!     replace = { Cover = "crate::model::Cover" },
//! );
//! ```

use crate::{Limits, RawSpec, Settings};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::path::Path;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitInt, LitStr, Token, braced, bracketed};

/// Parsed macro arguments.
pub struct MacroInput {
    specs: Vec<LitStr>,
    module: Option<LitStr>,
    derives: Vec<LitStr>,
    stream: Vec<LitStr>,
    fake: Option<LitBool>,
    max_spec_size: Option<LitStr>,
    max_depth: Option<LitInt>,
    renames: Vec<(Ident, LitStr)>,
    replacements: Vec<(Ident, LitStr)>,
}

impl std::fmt::Debug for MacroInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let values = |list: &[LitStr]| list.iter().map(LitStr::value).collect::<Vec<_>>();
        f.debug_struct("MacroInput")
            .field("specs", &values(&self.specs))
            .field("module", &self.module.as_ref().map(LitStr::value))
            .field("derives", &values(&self.derives))
            .field("stream", &values(&self.stream))
            .field("fake", &self.fake.as_ref().map(|fake| fake.value))
            .field(
                "max_spec_size",
                &self.max_spec_size.as_ref().map(LitStr::value),
            )
            .field("max_depth", &self.max_depth.as_ref().map(LitInt::to_string))
            .field("renames", &pairs(&self.renames))
            .field("replacements", &pairs(&self.replacements))
            .finish()
    }
}

impl Parse for MacroInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            let spec: LitStr = input.parse()?;
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
            if !input.is_empty() {
                return Err(input.error("after the spec path, nothing else is expected: use the keyed form `generate!(spec = \"…\", module = \"…\")`"));
            }
            return Ok(MacroInput {
                specs: vec![spec],
                ..MacroInput::empty()
            });
        }
        let mut parsed = MacroInput::empty();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "spec" => parsed.specs.push(string(input, "spec", "a path string")?),
                "specs" => parsed.specs.extend(strings(input, "specs")?),
                "module" => parsed.module = Some(string(input, "module", "a module name string")?),
                "derives" => parsed.derives.extend(strings(input, "derives")?),
                "stream" => parsed.stream.extend(strings(input, "stream")?),
                "fake" => {
                    parsed.fake = Some(input.parse::<LitBool>().map_err(|err| {
                        syn::Error::new(err.span(), "`fake` takes `true` or `false`")
                    })?)
                }
                "rename" => parsed.renames.extend(map(input, "rename", "\"new_name\"")?),
                "replace" => {
                    parsed
                        .replacements
                        .extend(map(input, "replace", "\"crate::path::Type\"")?)
                }
                "max_spec_size" => {
                    parsed.max_spec_size = Some(string(
                        input,
                        "max_spec_size",
                        "a size string like \"64M\"",
                    )?)
                }
                "max_depth" => {
                    parsed.max_depth = Some(input.parse::<LitInt>().map_err(|err| {
                        syn::Error::new(err.span(), "`max_depth` takes a number of levels")
                    })?)
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown key `{other}`: expected one of `spec`, `specs`, `module`, `derives`, `stream`, `fake`, `rename`, `replace`, `max_spec_size`, `max_depth`"
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        if parsed.specs.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "no spec: write `generate!(\"specs/<group>.json\")`",
            ));
        }
        Ok(parsed)
    }
}

fn string(input: ParseStream<'_>, key: &str, what: &str) -> syn::Result<LitStr> {
    input
        .parse::<LitStr>()
        .map_err(|err| syn::Error::new(err.span(), format!("`{key}` takes {what}")))
}

fn strings(input: ParseStream<'_>, key: &str) -> syn::Result<Vec<LitStr>> {
    let content;
    let bracket = bracketed!(content in input);
    let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content).map_err(|err| {
        syn::Error::new(
            err.span(),
            format!("`{key}` takes a list of strings: [\"…\", …]"),
        )
    })?;
    if list.is_empty() {
        return Err(syn::Error::new(
            bracket.span.join(),
            format!("`{key}` is empty"),
        ));
    }
    Ok(list.into_iter().collect())
}

/// `{ Name = "value", … }`.
fn map(input: ParseStream<'_>, key: &str, value: &str) -> syn::Result<Vec<(Ident, LitStr)>> {
    let content;
    braced!(content in input);
    let mut pairs = Vec::new();
    while !content.is_empty() {
        let name = content.call(syn::ext::IdentExt::parse_any)?;
        content.parse::<Token![=]>().map_err(|err| {
            syn::Error::new(
                err.span(),
                format!("`{key}` takes `{{ Name = {value}, … }}`"),
            )
        })?;
        let target: LitStr = content.parse().map_err(|err| {
            syn::Error::new(
                err.span(),
                format!("`{key}` takes `{{ Name = {value}, … }}`"),
            )
        })?;
        pairs.push((name, target));
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    Ok(pairs)
}

fn pairs(list: &[(Ident, LitStr)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(name, value)| (name.to_string(), value.value()))
        .collect()
}

impl MacroInput {
    fn empty() -> Self {
        MacroInput {
            specs: Vec::new(),
            module: None,
            derives: Vec::new(),
            stream: Vec::new(),
            fake: None,
            max_spec_size: None,
            max_depth: None,
            renames: Vec::new(),
            replacements: Vec::new(),
        }
    }

    /// The input limits: the defaults, or what `max_spec_size` and `max_depth` say.
    pub fn limits(&self) -> syn::Result<Limits> {
        let mut limits = Limits::default();
        if let Some(size) = &self.max_spec_size {
            limits.max_bytes = crate::source::parse_size(&size.value())
                .map_err(|message| syn::Error::new(size.span(), message))?;
        }
        if let Some(depth) = &self.max_depth {
            limits.max_depth = depth.base10_parse()?;
        }
        Ok(limits)
    }

    /// The settings these arguments stand for (paths resolved against `base`).
    pub fn settings(&self, base: &Path) -> Settings {
        let mut settings = Settings::default();
        if let (Some(module), [spec]) = (&self.module, self.specs.as_slice()) {
            settings.with_module_name(
                base.join(spec.value()).display().to_string(),
                module.value(),
            );
        }
        for derive in &self.derives {
            settings.with_derive(derive.value());
        }
        for stream in &self.stream {
            settings.with_stream(stream.value());
        }
        for (from, to) in &self.renames {
            settings.with_rename(from.to_string(), to.value());
        }
        for (name, path) in &self.replacements {
            settings.with_replace(name.to_string(), path.value());
        }
        if let Some(fake) = &self.fake {
            settings.with_fake(fake.value);
        }
        settings
    }

    /// Expands to the generated modules plus an `include_bytes!` of each spec (so
    /// cargo recompiles when one changes). Errors are spanned on the argument at
    /// fault and name the file and JSON pointer.
    pub fn expand(&self, base: &Path) -> syn::Result<TokenStream> {
        if self.module.is_some() && self.specs.len() > 1 {
            let span = self.module.as_ref().map_or(Span::call_site(), LitStr::span);
            return Err(syn::Error::new(
                span,
                "`module` names one group: use it with a single `spec`",
            ));
        }
        for derive in &self.derives {
            if syn::parse_str::<syn::Path>(&derive.value()).is_err() {
                return Err(syn::Error::new(
                    derive.span(),
                    "not a derive path (like \"Eq\" or \"schemars::JsonSchema\")",
                ));
            }
        }
        let limits = self.limits()?;
        let mut raws = Vec::with_capacity(self.specs.len());
        let mut tracked = Vec::new();
        for spec in &self.specs {
            let path = base.join(spec.value());
            let raw = RawSpec::from_path_within(&path, limits)
                .map_err(|err| syn::Error::new(spec.span(), err.with_causes()))?;
            tracked.push(path.display().to_string());
            raws.push(raw);
        }
        let generation = crate::generate(raws, &self.settings(base)).map_err(|err| {
            // Point at the spec, or the rename or replacement, the error is about.
            let text = err.to_string();
            let named = self
                .renames
                .iter()
                .chain(&self.replacements)
                .find(|(name, _)| text.contains(&format!("`{name}`")))
                .map(|(name, _)| name.span());
            let span = self
                .specs
                .iter()
                .find(|spec| text.contains(&base.join(spec.value()).display().to_string()))
                .map(LitStr::span)
                .or(named)
                .unwrap_or_else(Span::call_site);
            syn::Error::new(span, text)
        })?;
        // The CLI and build.rs leave an unreadable operation out and warn; a
        // macro cannot warn, and leaving it out silently would be worse than
        // failing.
        for (origin, group) in generation
            .notes()
            .iter()
            .map(|(o, _)| o)
            .zip(&generation.groups)
        {
            if let Some(skipped) = group.skipped.first() {
                let span = self
                    .specs
                    .iter()
                    .find(|spec| origin.contains(&base.join(spec.value()).display().to_string()))
                    .map_or_else(Span::call_site, LitStr::span);
                return Err(syn::Error::new(
                    span,
                    format!(
                        "{origin}: `{} {}` cannot be generated: {} (at {}); generate! cannot \
                         warn, so it fails where the CLI and build.rs leave the endpoint out \
                         with a warning",
                        skipped.method.as_str(),
                        skipped.path,
                        skipped.reason,
                        skipped.pointer
                    ),
                ));
            }
        }
        let modules = generation.tokens();
        Ok(quote! {
            #(const _: &[u8] = include_bytes!(#tracked);)*
            #modules
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tokens: TokenStream) -> syn::Result<MacroInput> {
        syn::parse2(tokens)
    }

    #[test]
    fn both_forms_parse() {
        let short = parse(quote!("specs/a.json")).unwrap();
        assert_eq!(short.specs.len(), 1);
        let keyed = parse(quote!(
            spec = "specs/a.json",
            module = "auth",
            derives = ["Eq"]
        ))
        .unwrap();
        assert_eq!(keyed.module.unwrap().value(), "auth");
        let many = parse(quote!(specs = ["a.json", "b.json"],)).unwrap();
        assert_eq!(many.specs.len(), 2);
        let renamed = parse(quote!(
            spec = "a.json",
            rename = { Book = "Novel", get_books = "list_books" },
            replace = { Cover = "crate::Cover" }
        ))
        .unwrap();
        assert_eq!(
            pairs(&renamed.renames),
            [
                ("Book".to_owned(), "Novel".to_owned()),
                ("get_books".to_owned(), "list_books".to_owned())
            ]
        );
        assert_eq!(pairs(&renamed.replacements).len(), 1);
    }

    #[test]
    fn limits_can_be_raised_and_bad_ones_are_explained() {
        let raised = parse(quote!(
            spec = "a.json",
            max_spec_size = "64M",
            max_depth = 300
        ))
        .unwrap();
        assert_eq!(
            raised.limits().unwrap(),
            Limits {
                max_bytes: 64 << 20,
                max_depth: 300
            }
        );
        assert_eq!(
            parse(quote!("a.json")).unwrap().limits().unwrap(),
            Limits::default()
        );
        let size = parse(quote!(spec = "a.json", max_spec_size = "64Q")).unwrap();
        assert!(
            size.limits()
                .unwrap_err()
                .to_string()
                .contains("not a size unit")
        );
        let depth = parse(quote!(spec = "a.json", max_depth = "deep")).unwrap_err();
        assert!(
            depth.to_string().contains("`max_depth` takes a number"),
            "{depth}"
        );

        // A spec deeper than the default fails; with `max_depth` raised it expands.
        let dir = tempfile::tempdir().unwrap();
        let nested = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let spec = format!(
            r#"{{"openapi": "3.0.0", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"example": {nested}, "schema": {{"type": "string"}}}}}}}}}}}}}}}}}}"#
        );
        std::fs::write(dir.path().join("deep.json"), spec).unwrap();
        let refused = parse(quote!("deep.json"))
            .unwrap()
            .expand(dir.path())
            .unwrap_err();
        assert!(refused.to_string().contains("--max-depth"), "{refused}");
        let raised = parse(quote!(spec = "deep.json", max_depth = 250)).unwrap();
        assert!(raised.expand(dir.path()).is_ok());
    }

    #[test]
    fn bad_arguments_are_explained() {
        let unknown = parse(quote!(spec = "a.json", stream_all = true)).unwrap_err();
        assert!(
            unknown.to_string().contains("unknown key `stream_all`"),
            "{unknown}"
        );
        let wrong = parse(quote!(spec = 5)).unwrap_err();
        assert!(
            wrong.to_string().contains("`spec` takes a path string"),
            "{wrong}"
        );
        let none = parse(quote!()).unwrap_err();
        assert!(none.to_string().contains("no spec"), "{none}");
        let list = parse(quote!(derives = "Eq", spec = "a.json")).unwrap_err();
        assert!(
            list.to_string().contains("list of strings")
                || list.to_string().contains("expected square brackets"),
            "{list}"
        );
    }
}
