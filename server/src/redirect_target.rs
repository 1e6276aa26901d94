//! Where the sign-in and the language switch may send the browser back to: a path of this
//! site, never another host. Browsers drop tabs and line breaks from an address and read `\`
//! as `/`, so `/\t/evil.example/` or `/\evil.example` would lead away: only printable ASCII
//! (what a percent-encoded path consists of) passes.

/// `target` if it is a path of this site, else `None`.
pub fn local_path(target: &str) -> Option<&str> {
    let ok = target.starts_with('/')
        && !target.starts_with("//")
        && target.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    ok.then_some(target)
}

#[cfg(test)]
mod tests {
    use super::local_path;
    use proptest::prelude::*;

    #[test]
    fn only_paths_of_this_site_pass() {
        assert_eq!(local_path("/"), Some("/"));
        assert_eq!(
            local_path("/leistungen?q=Eltern&seite=2"),
            Some("/leistungen?q=Eltern&seite=2")
        );
        assert_eq!(
            local_path("/leistungen?q=%C3%84rzte"),
            Some("/leistungen?q=%C3%84rzte")
        );
        for hostile in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example/",
            "/%09/evil.example/".replace("%09", "\t").as_str(),
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "evil",
            "",
            "/a\r\nSet-Cookie: x=1",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(local_path(hostile), None, "{hostile:?}");
        }
    }

    proptest! {
        /// Whatever passes starts with one slash and holds no character a browser would drop
        /// or turn into a slash.
        #[test]
        fn what_passes_cannot_name_another_host(target in ".{0,20}") {
            if let Some(path) = local_path(&target) {
                prop_assert!(path.starts_with('/') && !path.starts_with("//"));
                prop_assert!(!path.contains(['\\', '\t', '\n', '\r', ' ']));
            }
        }
    }
}
