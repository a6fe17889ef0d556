//! JSON pointers (RFC 6901): the one place a token is escaped into a pointer and read back.

/// Escapes one token for a JSON pointer: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reads one escaped token back: the inverse of [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `base` followed by one more token, escaped: `child("/paths", "/runs/{runId}")` is
/// `/paths/~1runs~1{runId}`.
pub fn child(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// The pointer of a list of unescaped tokens.
pub fn from_tokens<T: AsRef<str>>(tokens: &[T]) -> String {
    tokens.iter().fold(String::new(), |pointer, token| {
        child(&pointer, token.as_ref())
    })
}

/// The unescaped tokens of a pointer.
pub fn tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(unescape).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_a_pointer() {
        for (tokens_in, pointer) in [
            (
                vec!["paths", "/runs/{runId}", "get"],
                "/paths/~1runs~1{runId}/get",
            ),
            (vec!["a~b", "c/d"], "/a~0b/c~1d"),
            (vec!["~1"], "/~01"),
            (vec![], ""),
        ] {
            assert_eq!(from_tokens(&tokens_in), pointer);
            assert_eq!(tokens(pointer), tokens_in);
        }
    }
}
