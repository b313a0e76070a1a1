//! The command line in the user's language: `--help` and clap's errors.
//!
//! The doc comments of [`crate::cli`] are written `中文 / English`; under the
//! Chinese locale the help shows the Chinese half with Chinese headings (用法、
//! 命令、参数、选项), the choices of a value and its default in words (可选、
//! 默认), and a mistake on the command line is explained in Chinese. `--lang en`
//! (or an English locale) gives the English half and clap's own wording.

use crate::cli::Cli;
use crate::lang::Lang;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory as _, FromArgMatches as _};

/// Parses the command line. `Err` is the exit code after help, the version or
/// a usage error was printed.
pub fn parse() -> Result<Cli, std::process::ExitCode> {
    let lang = requested_lang();
    let mut command = localized(Cli::command(), lang, true);
    let matches =
        command.try_get_matches_from_mut(std::env::args_os()).map_err(|err| match err.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion if lang == Lang::Zh => {
                println!("{}", polish(&err.render().to_string()).trim_end());
                std::process::ExitCode::SUCCESS
            }
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = err.print();
                std::process::ExitCode::SUCCESS
            }
            _ if lang == Lang::En => {
                let _ = err.print();
                std::process::ExitCode::from(2)
            }
            _ => {
                let args: Vec<String> = std::env::args().collect();
                eprintln!("{}", chinese(&err, &args));
                std::process::ExitCode::from(2)
            }
        })?;
    Cli::from_arg_matches(&matches).map_err(|err| {
        let _ = err.print();
        std::process::ExitCode::from(2)
    })
}

/// Clap's few fixed words in a Chinese help: `[OPTIONS]` and the ASCII colon
/// it puts after each heading.
fn polish(help: &str) -> String {
    ["命令", "参数", "选项"].iter().fold(help.replace("[OPTIONS]", "[选项]"), |text, heading| {
        text.replace(&format!("{heading}:\n"), &format!("{heading}：\n"))
    })
}

/// The language asked for before the command line is parsed: `--lang`, else the locale.
fn requested_lang() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let given = args.iter().enumerate().find_map(|(i, arg)| match arg.strip_prefix("--lang") {
        Some("") => args.get(i + 1).cloned(),
        Some(rest) => rest.strip_prefix('=').map(str::to_string),
        None => None,
    });
    match given.as_deref() {
        Some("en") => Lang::En,
        Some("zh") => Lang::Zh,
        _ => Lang::from_env(),
    }
}

/// The half of a `中文 / English` text for `lang` (the text itself when it has
/// one only). The halves are parted by a slash after a space or a closing
/// full-width bracket, and before a space.
fn half(text: &str, lang: Lang) -> String {
    let parting = text.match_indices("/ ").map(|(i, _)| i).find(|&i| {
        text[..i].ends_with(' ') || text[..i].ends_with('）') || text[..i].ends_with('」')
    });
    match parting {
        Some(i) => lang.pick(text[..i].trim(), text[i + 2..].trim()).to_string(),
        None => text.to_string(),
    }
}

/// `command` and its subcommands with their texts in `lang`; under Chinese, the
/// headings, the choices and the defaults in Chinese too.
fn localized(command: Command, lang: Lang, top: bool) -> Command {
    let about = command.get_about().map(|a| half(&a.to_string(), lang));
    let mut command = command.mut_subcommands(|sub| localized(sub, lang, false));
    if let Some(about) = about {
        command = command.about(about);
    }
    let ids: Vec<String> = command.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        command = command.mut_arg(id, |arg| localized_arg(arg, lang));
    }
    if lang == Lang::En {
        return command;
    }
    if top {
        command = command.about("信报（xinbao）：基于 git 的政务信息报送");
    }
    command = command
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项")
                .global(top),
        );
    if top {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    command
}

/// `arg`'s help in `lang`; under Chinese its heading, choices and default too.
fn localized_arg(arg: Arg, lang: Lang) -> Arg {
    let mut help = arg.get_help().map(|h| half(&h.to_string(), lang)).unwrap_or_default();
    if lang == Lang::En {
        return arg.help(help);
    }
    let takes_values = arg.get_action().takes_values();
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !choices.is_empty() && takes_values {
        help.push_str(&format!("；可选：{}", choices.join("、")));
    }
    let defaults: Vec<String> =
        arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && takes_values {
        help.push_str(&format!("；默认：{}", defaults.join("、")));
    }
    let heading = if arg.is_positional() { "参数" } else { "选项" };
    let arg = arg.help(help).help_heading(heading);
    match arg.get_action().takes_values() {
        true => arg.hide_possible_values(true).hide_default_value(true),
        false => arg,
    }
}

/// A clap error about the command line `args`, explained in Chinese, with the
/// usage of the command it is about and where to find help.
fn chinese(err: &clap::Error, args: &[String]) -> String {
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join("` 或 `"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let valid = context(ContextKind::ValidValue);
    let suggested = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .map(context)
        .find(|s| !s.is_empty());
    let mut message = match err.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("没有命令 `{}`", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("不认识的参数 `{arg}`"),
        ErrorKind::InvalidValue if value.is_empty() => format!("`{arg}` 需要一个值"),
        ErrorKind::InvalidValue => format!("`{arg}` 的值 `{value}` 不合法"),
        ErrorKind::MissingRequiredArgument => {
            // Every one of them is missing: a list, not a choice.
            let missing = match err.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(list)) => list.join("`、`"),
                _ => arg.clone(),
            };
            format!("缺少必需的参数：`{missing}`")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::ArgumentConflict => {
            format!("参数 `{arg}` 不能与 `{}` 同时使用", context(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues => format!("`{arg}` 的值 `{value}` 多余"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("`{arg}` 的值的个数不对")
        }
        ErrorKind::ValueValidation => {
            // Our validators say why as `中文 / English`.
            let why = std::error::Error::source(err)
                .map(|s| half(&s.to_string(), Lang::Zh))
                .unwrap_or_default();
            format!("`{arg}` 的值 `{value}` 不合法：{why}")
        }
        ErrorKind::NoEquals => format!("`{arg}` 的值须用等号给出"),
        _ => format!("命令行有误：{}", err.kind()),
    };
    if !valid.is_empty() {
        message.push_str(&format!("；可选：`{valid}`"));
    }
    if let Some(suggested) = suggested {
        message.push_str(&format!("；是不是 `{suggested}`？"));
    }
    let mut command = localized(Cli::command(), Lang::Zh, true);
    command.build();
    let named = args.iter().skip(1).find(|a| command.find_subcommand(a.as_str()).is_some());
    let usage = match named.and_then(|name| command.find_subcommand_mut(name)) {
        Some(sub) => sub.render_usage().to_string(),
        None => command.render_usage().to_string(),
    };
    let usage = polish(usage.trim().trim_start_matches("Usage:").trim());
    format!("错误：{message}\n\n用法：{usage}\n\n运行 `xinbao --help` 查看帮助。")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_is_chinese_under_the_chinese_locale() {
        let mut command = localized(Cli::command(), Lang::Zh, true);
        let help = polish(&command.render_help().to_string());
        for english in ["Usage", "Options", "OPTIONS", "Commands", "Arguments", "Print help", " / "]
        {
            assert!(!help.contains(english), "{english} in\n{help}");
        }
        assert!(
            help.contains("用法：") && help.contains("命令：") && help.contains("选项："),
            "{help}"
        );
        let check = command.find_subcommand_mut("check").unwrap();
        let help = check.render_long_help().to_string();
        assert!(help.contains("可选：human、json、github、sarif、gitlab"), "{help}");
        assert!(!help.contains("Possible values") && !help.contains("[default"), "{help}");
    }

    #[test]
    fn the_help_is_english_on_request() {
        let mut command = localized(Cli::command(), Lang::En, true);
        let help = command.render_help().to_string();
        assert!(help.contains("Usage") && help.contains("check"), "{help}");
        assert!(!help.contains("检查信息是否符合报送制度"), "{help}");
    }

    #[test]
    fn command_line_mistakes_are_explained_in_chinese() {
        let command = || localized(Cli::command(), Lang::Zh, true);
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = command().try_get_matches_from(["xinbao", "chek"]).unwrap_err();
        let text = chinese(&err, &args(&["xinbao", "chek"]));
        assert!(text.starts_with("错误：没有命令 `chek`；是不是 `schema` 或 `check`？"), "{text}");
        assert!(text.contains("用法：xinbao"), "{text}");
        let line = ["xinbao", "check", "--format", "xml"];
        let err = command().try_get_matches_from(line).unwrap_err();
        let text = chinese(&err, &args(&line));
        assert!(
            text.starts_with(
                "错误：`--format <FORMAT>` 的值 `xml` 不合法；可选：`human` 或 `json`"
            ),
            "{text}"
        );
        assert!(text.contains("用法：xinbao check [选项]"), "{text}");
        let line = ["xinbao", "stats", "--quarter", "2026Q5"];
        let err = command().try_get_matches_from(line).unwrap_err();
        let text = chinese(&err, &args(&line));
        assert!(text.contains("不合法：不是季度（如 2026Q1）"), "{text}");
    }
}
