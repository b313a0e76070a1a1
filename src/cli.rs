//! The command line: clap types only. Commands receive these and nothing past
//! `main` sees clap.

pub use crate::diag::Format;
use crate::lang::Lang;
use crate::stats::Period;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// 信报 xinbao：基于 git 的信息报送（information reporting on git）.
#[derive(Debug, Parser)]
#[command(name = "xinbao", version, about, long_about = None)]
pub struct Cli {
    /// 报送仓库的根目录（默认：当前所在的 git 仓库）/ the reports repository (default: the enclosing git repository)
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// 提示语言（默认取自 LANG）/ language of messages (default from LANG)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// 信任起点：信任该提交的设置（默认根提交；也可用 XINBAO_TRUST_ROOT）/ trust the settings of this commit (default: the root commit; or XINBAO_TRUST_ROOT)
    #[arg(long, global = true, value_name = "COMMIT")]
    pub trust_root: Option<String>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The language of messages: `--lang`, else the locale's.
    pub fn language(&self) -> Lang {
        self.lang.unwrap_or_else(Lang::from_env)
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 创建报送仓库骨架 / scaffold a reports repository
    Init(InitArgs),
    /// 按模板新建一条信息 / create a report from its template
    New(NewArgs),
    /// 检查信息是否符合报送制度 / check reports against the bureau's rules
    Check(CheckArgs),
    /// 输出元数据的 JSON Schema / print the JSON Schema of the front matter
    Schema,
    /// 审核与发布状态 / approval state and trail of reports
    Status(StatusArgs),
    /// 一条信息的完整审核记录 / the full trail of one report
    Log(LogArgs),
    /// 分管负责人签名合并分支，审核其中的信息 / a supervisor's signed merge approving a branch
    Approve(ApproveArgs),
    /// 办公室签名发布已审核的信息 / the office's signed commit publishing approved reports
    Publish(PublishArgs),
    /// 签名密钥 / signing keys
    Keys(KeysArgs),
    /// 生成一条信息的公文格式文件（预览）/ render one report, for a writer's preview
    Render(RenderArgs),
    /// 生成全部信息的公文格式文件和档案网站 / render every report and the archive site
    Build(BuildArgs),
    /// 在本机预览档案网站，改动后自动重新生成 / preview the archive on 127.0.0.1, rebuilding on change
    Serve(ServeArgs),
    /// git 钩子 / git hooks
    Hook(HookArgs),
    /// 统计与考核：季度通报、年度考核（Markdown、JSON、DOCX、PDF） / statistics, the quarterly notice and the annual assessment
    Stats(StatsArgs),
    /// 编发期刊：把一段时间内已发布的信息编成一期（报头名称取 xinbao.yaml 的 bulletin.name）/ compile published reports into a bulletin issue
    Bulletin(BulletinArgs),
    /// 定期整理：一个季度或年度已发布信息的汇编（PDF、DOCX）/ the period's 信息汇编 (compiled volume) as PDF and DOCX
    Volume(VolumeArgs),
    /// 定期整理：一年已发布信息的档案移交包（档号、元数据、目录、汇编、历史包、清单）/ the year's transfer package for the county archive
    Transfer(TransferArgs),
    /// 四性检测：离线核验移交包（只用包内文件）/ check a transfer package offline (authenticity, integrity, usability, security)
    VerifyTransfer(VerifyTransferArgs),
    /// 把信息的 submitted_at 改为当前时间（写完、提交前运行）/ set a report's submitted_at to now (run when it is written, before committing)
    Touch(TouchArgs),
    /// 待审核的分支，按分管负责人分组（审核人的晨间清单）/ branches whose reports wait for approval, per supervisor
    Pending(PendingArgs),
    /// 服务器为新收到的提交签发收条（时间不可倒填）/ the server signs receipts for commits new to it
    Receipt(ReceiptArgs),
    /// 在浏览器中撰写、审核、发布信息（仅本机）/ the browser desk for writers, supervisors and the office (127.0.0.1 only)
    Desk(DeskArgs),
}

/// `xinbao desk`.
#[derive(Debug, Args)]
pub struct DeskArgs {
    /// 端口（0 表示任选空闲端口）/ port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 8400)]
    pub port: u16,
    /// 不打开浏览器，只打印地址 / do not open a browser; only print the address
    #[arg(long)]
    pub no_open: bool,
}

/// `xinbao touch`.
#[derive(Debug, Args)]
pub struct TouchArgs {
    /// 信息编号或文件路径 / the report's id or file
    #[arg(required = true)]
    pub ids: Vec<String>,
}

/// `xinbao pending`.
#[derive(Debug, Args)]
pub struct PendingArgs {
    /// 只列此人可审核的 / only what this person may approve
    #[arg(long = "for", value_name = "NAME")]
    pub person: Option<String>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub format: StatusFormat,
}

/// `xinbao receipt`.
#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// 要签收的提交或范围（如 origin/main..HEAD）/ the commits or ranges (A..B) to sign receipts for
    pub commits: Vec<String>,
    /// 从标准输入读 git 的 post-receive 行（旧 新 引用），签收本次推送新带来的提交 / read post-receive lines (old new ref) and sign for the commits new in this push
    #[arg(long)]
    pub stdin: bool,
    /// 服务器的 SSH 私钥文件（默认取 XINBAO_RECEIPT_KEY）/ the server's private SSH key (default: XINBAO_RECEIPT_KEY)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// 不签收，只检查主分支的第一父提交链经过收条最后记录的 main，否则退出码 1 / sign nothing: check that main's first-parent chain passes through the last tip of main the receipts recorded; exit 1 otherwise
    #[arg(long, conflicts_with_all = ["commits", "stdin", "key"])]
    pub verify_main: bool,
}

/// `xinbao stats`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["quarter", "year"])))]
pub struct StatsArgs {
    /// 季度，如 2026Q1 / the quarter, e.g. 2026Q1
    #[arg(long, value_name = "YYYYQn", value_parser = quarter)]
    pub quarter: Option<Period>,
    /// 年度，如 2026（年度考核） / the year, e.g. 2026 (the annual assessment)
    #[arg(long, value_name = "YYYY", value_parser = year)]
    pub year: Option<Period>,
    /// 输出格式：md 为通报正文，json 为统计数据 / md is the notice, json the figures
    #[arg(long, value_enum, default_value_t = StatsFormat::Md)]
    pub format: StatsFormat,
    /// 列出某科室各项数字所依据的信息和约稿 / list the reports and requests behind one unit's figures
    #[arg(long, value_name = "UNIT")]
    pub explain: Option<String>,
    /// 输出文件；docx、pdf 默认写到 public/stats/ / the file to write; docx and pdf go to public/stats/ by default
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 发文字号中的序号：与 xinbao.yaml 的 notice.code（机关代字）组成 代字〔2026〕N号 / the notice's number, with notice.code
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub number: Option<u32>,
    /// 通报日期，默认今天 / the notice's date, today by default
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub date: Option<NaiveDate>,
}

/// What `stats` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// The notice as Markdown.
    Md,
    /// The figures as JSON (SPEC §8).
    Json,
    /// The notice as DOCX.
    Docx,
    /// The notice as PDF.
    Pdf,
}

/// `xinbao bulletin`.
#[derive(Debug, Args)]
pub struct BulletinArgs {
    /// 起始日期 / the first day
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub from: NaiveDate,
    /// 截止日期 / the last day
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub to: NaiveDate,
    /// 期号，默认为本年下一期 / the issue number, the year's next by default
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub number: Option<u32>,
    /// DOCX、PDF 的输出目录，默认 public/bulletins / where the DOCX and PDF go
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `xinbao volume`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["quarter", "year"])))]
pub struct VolumeArgs {
    /// 季度，如 2026Q3 / the quarter, e.g. 2026Q3
    #[arg(long, value_name = "YYYYQn", value_parser = quarter)]
    pub quarter: Option<Period>,
    /// 年度，如 2026 / the year, e.g. 2026
    #[arg(long, value_name = "YYYY", value_parser = year)]
    pub year: Option<Period>,
    /// 目录分组：按类别或按月份 / group the contents by category or by month
    #[arg(long, value_enum, default_value_t = VolumeBy::Category)]
    pub by: VolumeBy,
    /// PDF、DOCX 的输出目录，默认 public/volumes / where the PDF and DOCX go
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `xinbao transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// 年度，如 2026 / the year, e.g. 2026
    #[arg(long, value_name = "YYYY", value_parser = year)]
    pub year: Period,
    /// 移交包目录（须不存在或为空）/ the package's folder (new or empty)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `xinbao verify-transfer`.
#[derive(Debug, Args)]
pub struct VerifyTransferArgs {
    /// 移交包目录 / the package's folder
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// How `volume` groups its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VolumeBy {
    /// 按信息类别 / by category
    Category,
    /// 按报送月份 / by month
    Month,
}

fn quarter(text: &str) -> Result<Period, String> {
    Period::parse(text)
        .filter(|p| !p.is_year())
        .ok_or_else(|| format!("不是季度（如 2026Q1） / not a quarter such as 2026Q1: {text}"))
}

fn year(text: &str) -> Result<Period, String> {
    Period::parse(text)
        .filter(|p| p.is_year())
        .ok_or_else(|| format!("不是年份（如 2026） / not a year such as 2026: {text}"))
}

fn date(text: &str) -> Result<NaiveDate, String> {
    crate::time::parse_date(text)
        .ok_or_else(|| format!("不是日期（如 2026-03-31） / not a date (2026-03-31): {text}"))
}

/// `xinbao render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// 信息编号或文件路径 / report id or file
    pub report: String,
    /// DOCX 输出文件 / where to write the DOCX
    #[arg(long, value_name = "FILE")]
    pub docx: Option<PathBuf>,
    /// PDF 输出文件 / where to write the PDF
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
}

/// `xinbao build`.
#[derive(Clone, Debug, Args)]
pub struct BuildArgs {
    /// 输出目录（默认仓库根目录下的 public/）/ output folder (default: public/ in the repository)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 只生成这些输出 / only these outputs
    #[arg(long, value_enum, value_delimiter = ',', default_value = "docx,pdf,site")]
    pub only: Vec<Output>,
    /// 内部预览：也收入尚未发布的信息（标“未发布”），不得对外部署 / internal preview: also the
    /// reports not yet published (marked unpublished); not for deployment
    #[arg(long)]
    pub drafts: bool,
}

/// `xinbao serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 端口（0 表示任选空闲端口）/ port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// 只预览已发布的信息，与部署的档案相同（默认也收入未发布的）/ preview only the published
    /// reports, as deployed (by default the unpublished ones are shown too)
    #[arg(long, conflicts_with = "drafts")]
    pub published: bool,
    /// 生成选项 / what to build
    #[command(flatten)]
    pub build: BuildArgs,
}

/// `xinbao hook`.
#[derive(Debug, Args)]
pub struct HookArgs {
    /// What to do with the hook.
    #[command(subcommand)]
    pub command: HookCommand,
}

/// The `hook` subcommands.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// 安装 git pre-commit 钩子：提交前检查改动的信息 / install a git pre-commit hook that checks changed reports
    Install {
        /// 覆盖已有的钩子 / replace an existing hook
        #[arg(long)]
        force: bool,
    },
}

/// What `build` can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// One DOCX per report in `OUT/files/`.
    Docx,
    /// One PDF per report in `OUT/files/`.
    Pdf,
    /// The archive: `OUT/index.html` and the pages, search index and assets it links.
    Site,
}

/// `xinbao status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 只看这些信息（给出编号时显示完整记录）/ only these reports (with their full trail)
    pub ids: Vec<String>,
    /// 主分支（默认 main，其次 master、HEAD）/ the main branch (default: main, else master, else HEAD)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub format: StatusFormat,
}

/// `xinbao log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// 信息编号或文件路径 / report id or file
    pub id: String,
    /// 主分支 / the main branch
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub format: StatusFormat,
}

/// Output formats of `status` and `log`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// A table, or the trail, for people.
    Human,
    /// One JSON object (SPEC §9).
    Json,
}

/// `xinbao approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// 待审核的分支；加 --on-main 时为已在主分支上的信息编号 / the branch to approve and merge; with --on-main, ids of reports already on main
    #[arg(required = true, value_name = "BRANCH|ID")]
    pub targets: Vec<String>,
    /// 审核已在主分支上的信息（直接推送的或审核失效的），签名提交带 Approved: 行 / approve reports already on main (pushed directly, or stale) with a signed commit carrying Approved: trailers
    #[arg(long)]
    pub on_main: bool,
    /// 一并合并分支中信息以外的改动（设置、删除、其他文件；须有相应权限）/ also merge the branch's changes other than reports (settings, deletions, other files; needs the authority for each)
    #[arg(long)]
    pub include_other_changes: bool,
}

/// `xinbao publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// 要发布的信息编号 / ids of the reports to publish
    #[arg(required = true)]
    pub ids: Vec<String>,
}

/// `xinbao keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// What to do with the keys.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// `xinbao keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// 生成 git 的 allowed_signers 文件 / write git's allowed_signers file from `people`
    AllowedSigners {
        /// 写入文件（默认标准输出）/ write to this file (default: standard output)
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// 列出人员的签名密钥 / list the people's signing keys
    List,
}

/// `xinbao init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// 目标目录（默认当前目录）/ where to create it (default: the current directory)
    pub dir: Option<PathBuf>,
    /// 写入哪个代码托管平台的持续集成配置 / which forge's CI pipeline to write
    #[arg(long, value_enum, default_value = "github")]
    pub ci: crate::templates::Forge,
}

/// `xinbao new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// 类别：work、emergency… 或中文名 / category id or Chinese label
    pub category: String,
    /// 标题 / title
    #[arg(long)]
    pub title: String,
    /// 供稿科室（默认取 git user.name 对应人员的科室）/ unit (default: that of git's user.name)
    #[arg(long)]
    pub unit: Option<String>,
    /// 发生时间，如 2026-03-02T09:00 / when it happened
    #[arg(long, value_name = "TIME")]
    pub occurred_at: Option<String>,
    /// 文件名中的英文短名（默认取标题拼音）/ ASCII slug for the file name (default: from the title's pinyin)
    #[arg(long)]
    pub slug: Option<String>,
}

/// `xinbao check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 只检查这些文件或目录 / check only these files or folders
    pub paths: Vec<PathBuf>,
    /// 只检查自 REV 以来改动的信息（用于 pull request）/ only reports changed since REV
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// 同时检查主分支上信息的审核签名 / also report approval problems of reports on main
    #[arg(long)]
    pub approvals: bool,
    /// 提交前检查（pre-commit 钩子用）：新信息的 submitted_at 若比现在早超过 commit_skew，提交后会报 time-order，先提醒 / before a commit (the pre-commit hook): warn when a new report's submitted_at is more than commit_skew before now, which the commit would make a time-order error
    #[arg(long)]
    pub before_commit: bool,
    /// 主分支（与 --approvals 一起用）/ the main branch, for --approvals
    #[arg(long, value_name = "REV", requires = "approvals")]
    pub rev: Option<String>,
}
