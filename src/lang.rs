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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Prints why a command refused (on standard error) and gives exit code 1.
pub fn refuse(lang: Lang, zh: &str, en: &str) -> std::process::ExitCode {
    match lang {
        Lang::Zh => eprintln!("错误：{zh}"),
        Lang::En => eprintln!("error: {en}"),
    }
    std::process::ExitCode::from(1)
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
}
