//! The two languages of user-facing text: Chinese first, English on request.

/// A language for messages and documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文 (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language the environment asks for: `LC_ALL`, `LC_MESSAGES`, then `LANG`.
    ///
    /// A locale that names a language other than Chinese gives English; an unset
    /// or neutral one (`C`, `POSIX`) keeps Chinese, the bureau's working language.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        Lang::from_locale(&locale)
    }

    /// The form of a message for this language: `zh` or `en`.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    fn from_locale(locale: &str) -> Lang {
        let neutral = locale.is_empty()
            || locale == "C"
            || locale == "POSIX"
            || locale.starts_with("C.")
            || locale.starts_with("zh");
        if neutral { Lang::Zh } else { Lang::En }
    }
}

/// A message in both languages; the renderer picks one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Text {
    /// The Chinese text.
    pub zh: String,
    /// The English text.
    pub en: String,
}

impl Text {
    /// Builds a message from its Chinese and English forms.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// What a line on standard error is: it decides the line's prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A refusal: `错误：` / `error: `.
    Error,
    /// A hint about the run: `提示：` / `note: `.
    Hint,
    /// Something the user should look at: `注意：` / `note: `.
    Caution,
}

impl Tone {
    fn prefix(self, lang: Lang) -> &'static str {
        match self {
            Tone::Error => lang.pick("错误：", "error: "),
            Tone::Hint => lang.pick("提示：", "note: "),
            Tone::Caution => lang.pick("注意：", "note: "),
        }
    }
}

/// Prints `text` in `lang` on standard error, after its tone's prefix.
pub fn tell(lang: Lang, tone: Tone, text: &Text) {
    eprintln!("{}{}", tone.prefix(lang), text.get(lang));
}

/// Why a command stopped without doing what it was asked, in both languages:
/// it refused ([`refuse`], exit code 1) or cannot run as it was asked
/// ([`unable`]: an unknown id, a missing option, no repository; exit code 2).
/// Commands return it as their error; `main` prints it in the user's language.
#[derive(Debug)]
pub struct Refusal {
    /// Why.
    pub text: Text,
    /// The exit code.
    pub code: u8,
}

impl Refusal {
    /// Prints the refusal on standard error in `lang`.
    pub fn tell(&self, lang: Lang) {
        tell(lang, Tone::Error, &self.text);
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.text.zh, self.text.en)
    }
}

impl std::error::Error for Refusal {}

/// A refusal (exit code 1) with its Chinese and English forms, as a command's error.
pub fn refuse(zh: impl Into<String>, en: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refusal { text: Text::new(zh, en), code: 1 })
}

/// Why a command cannot run as asked (exit code 2), as its error.
pub fn unable(zh: impl Into<String>, en: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refusal { text: Text::new(zh, en), code: 2 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(Lang::from_locale(""), Lang::Zh);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
    }

    #[test]
    fn a_refusal_survives_context_and_keeps_both_languages() {
        use anyhow::Context as _;
        let err =
            Err::<(), _>(refuse("无权审核", "may not approve")).context("approving").unwrap_err();
        let refusal = err.downcast_ref::<Refusal>().map(|r| (&r.text, r.code));
        assert_eq!(refusal, Some((&Text::new("无权审核", "may not approve"), 1)));
        assert_eq!(Tone::Error.prefix(Lang::Zh), "错误：");
        assert_eq!(Tone::Caution.prefix(Lang::En), "note: ");
    }
}
