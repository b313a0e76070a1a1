//! Generates a benchmark corpus: a git repository of N reports of about 5 KB each,
//! one commit per report dated at its submission, all of them valid, spread over
//! the months as a large bureau's would be.
//!
//! ```text
//! cargo run --release --example gen-corpus -- DIR N [--signed]
//! ```
//!
//! The history is written with `git fast-import`, so 10,000 commits take seconds.
//!
//! With `--signed`, each report comes as a writer's commit merged into `main` by a
//! supervisor's SSH-signed `--no-ff` merge (2N commits, half of them signed), as
//! `xinbao approve` makes them. The supervisors' keys are made with ssh-keygen under
//! `DIR/.git/bench-keys/` and listed in the corpus's `xinbao.yaml`; the commits are
//! built and signed in-process (git2 and the ssh-key crate).

use std::fmt::Write as _;

use std::process::{Command, Stdio};

const WRITERS: &[(&str, &str, &str)] = &[
    ("张三", "投资科", "13800000000"),
    ("王丽娟", "价格科", "15885034567"),
    ("赵明", "经济运行科", "18985045678"),
    ("杨帆", "农村经济科", "13708516789"),
    ("吴海峰", "能源股", "15285067890"),
    ("周静", "项目服务中心", "0851-87721234"),
];
const SENTENCES: &[&str] = &[
    "会议听取了各项目责任单位关于前期手续、征地拆迁、资金到位和建设进度的情况汇报。",
    "针对项目推进中存在的要素保障不足、审批周期较长等问题，逐一研究提出解决措施。",
    "要求各责任单位压实工作责任，倒排工期、挂图作战，确保按时间节点完成年度目标任务。",
    "下一步，将持续加强调度督导，建立问题清单、任务清单和责任清单，实行销号管理。",
    "同时加强与上级部门的沟通衔接，积极争取中央预算内投资和地方政府专项债券支持。",
    "全县价格总水平保持基本稳定，粮油、蔬菜、肉类等重要民生商品供应充足。",
    "组织对辖区内加油站、液化气站和重点用能企业开展安全检查，督促落实主体责任。",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(count)) = (args.get(1), args.get(2).and_then(|n| n.parse::<usize>().ok()))
    else {
        eprintln!("usage: gen-corpus DIR N [--signed]");
        std::process::exit(2);
    };
    std::fs::create_dir_all(dir).expect("create DIR");
    let status =
        Command::new("git").args(["init", "-q", "-b", "main", dir]).status().expect("git init");
    assert!(status.success());
    if args.get(3).is_some_and(|a| a == "--signed") {
        signed::generate(std::path::Path::new(dir), count);
        println!("{count} reports, {} commits ({count} signed merges) in {dir}", 2 * count + 1);
        return;
    }
    let mut import = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut stream = std::io::BufWriter::new(import.stdin.take().expect("stdin"));
    // Root commit: the settings, before every report.
    let base = 1_583_020_800i64; // 2020-03-01T08:00:00+08:00
    let settings = sample_settings();
    commit(&mut stream, base, "xinbao.yaml", &settings, "设置");
    let mut seed = 0x5eed_u64;
    for i in 0..count {
        let (path, text, submitted) = report(i, base, &mut seed);
        commit(&mut stream, submitted, &path, &text, &format!("报送 {i}"));
        std::fs::create_dir_all(std::path::Path::new(dir).join(&path).parent().unwrap()).unwrap();
        std::fs::write(std::path::Path::new(dir).join(&path), &text).unwrap();
    }
    drop(stream);
    assert!(import.wait().expect("fast-import").success());
    std::fs::write(std::path::Path::new(dir).join("xinbao.yaml"), &settings).unwrap();
    let status = Command::new("git")
        .args(["reset", "-q", "main"])
        .current_dir(dir)
        .status()
        .expect("git reset");
    assert!(status.success());
    println!("{count} reports in {dir}");
}

fn commit(out: &mut impl std::io::Write, time: i64, path: &str, text: &str, message: &str) {
    write!(out, "commit refs/heads/main\ncommitter 信息员 <xinxi@example.org> {time} +0800\n")
        .unwrap();
    write!(out, "data {}\n{message}\n", message.len()).unwrap();
    write!(out, "M 100644 inline {path}\ndata {}\n{text}\n", text.len()).unwrap();
}

fn next(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *seed >> 33
}

/// Report `i`: a valid work report of about 5 KB, submitted a few hours after its meeting.
/// Meetings are six hours apart, so 10,000 reports span about seven years at ~120 a month,
/// a large bureau's pace.
fn report(i: usize, base: i64, seed: &mut u64) -> (String, String, i64) {
    let occurred = base + 3600 + i as i64 * 6 * 3600;
    let submitted = occurred + 3600 * (1 + (next(seed) % 6) as i64);
    let day = chrono::DateTime::from_timestamp(occurred + 8 * 3600, 0).unwrap().naive_utc();
    let time = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .to_rfc3339()
    };
    let (author, unit, phone) = WRITERS[i % WRITERS.len()];
    let mut text = String::new();
    write!(
        text,
        "---\ntitle: {unit}召开第{i}次重点工作调度会\ncategory: work\nunit: {unit}\nauthor: {author}\nphone: \"{phone}\"\noccurred_at: {}\nsubmitted_at: {}\ntags: [调度, 第{}批]\n---\n\n",
        time(occurred),
        time(submitted),
        i % 7
    )
    .unwrap();
    let mut section = 0;
    while text.len() < 5000 {
        if text.len() > 1500 * (section + 1) {
            section += 1;
            write!(text, "## {}、工作安排\n\n", ["一", "二", "三"][section.min(3) - 1]).unwrap();
        }
        for _ in 0..3 {
            text.push_str(SENTENCES[(next(seed) % SENTENCES.len() as u64) as usize]);
        }
        text.push_str("\n\n");
    }
    let path = format!(
        "reports/{}/{}.md",
        day.format("%Y/%m"),
        format_args!("{}-diaoduhui-{i}", day.format("%Y-%m-%d"))
    );
    (path, text, submitted)
}

/// The signed history: writer commits merged by supervisors' signed merges.
mod signed {
    use git2::{Oid, Repository, Signature, Time};
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::process::Command;

    /// The supervisors of the project's settings, with the units they approve
    /// and the phone line their key is inserted after.
    const SUPERVISORS: &[(&str, &str, &[&str])] = &[
        ("李四", "    phone: \"13908510001\"\n", &["投资科", "价格科", "项目服务中心"]),
        ("王五", "    phone: \"13908510002\"\n", &["经济运行科", "农村经济科", "能源股", "办公室"]),
    ];

    pub fn generate(dir: &Path, count: usize) {
        let repo = Repository::open(dir).expect("open the corpus");
        let keys = dir.join(".git/bench-keys");
        std::fs::create_dir_all(&keys).unwrap();
        let mut settings = super::sample_settings();
        let mut private = Vec::new();
        for (index, (name, phone_line, _)) in SUPERVISORS.iter().enumerate() {
            let file = keys.join(format!("supervisor-{index}"));
            let _ = std::fs::remove_file(&file);
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(&file)
                .status()
                .expect("ssh-keygen");
            assert!(ok.success());
            let public = std::fs::read_to_string(file.with_extension("pub")).unwrap();
            settings = settings.replacen(
                phone_line,
                &format!("{phone_line}    keys:\n      - ssh: \"{}\"\n", public.trim()),
                1,
            );
            private.push(ssh_key::PrivateKey::read_openssh_file(&file).unwrap());
        }
        std::fs::write(dir.join("xinbao.yaml"), &settings).unwrap();

        let mut top = Folder::default();
        top.insert("xinbao.yaml", repo.blob(settings.as_bytes()).unwrap());
        let base = 1_583_020_800i64;
        let tree = top.write(&repo);
        let root = commit(&repo, &who("信息员", base), tree, &[], "设置", None);
        let mut main = root;
        let mut seed = 0x5eed_u64;
        for i in 0..count {
            let (path, text, submitted) = super::report(i, base, &mut seed);
            top.insert(&path, repo.blob(text.as_bytes()).unwrap());
            let full = dir.join(&path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, &text).unwrap();
            let tree = top.write(&repo);
            let writer =
                commit(&repo, &who("信息员", submitted), tree, &[main], &format!("报送 {i}"), None);
            let unit = super::WRITERS[i % super::WRITERS.len()].1;
            let index = SUPERVISORS.iter().position(|s| s.2.contains(&unit)).unwrap();
            let merged = who(SUPERVISORS[index].0, submitted + 1800);
            let message = format!("审核通过：{i}\n\nApproved: {}\n", super::stem(&path));
            main = commit(&repo, &merged, tree, &[main, writer], &message, Some(&private[index]));
        }
        repo.reference("refs/heads/main", main, true, "gen-corpus").unwrap();
        let ok = Command::new("git").args(["repack", "-adq"]).current_dir(dir).status().unwrap();
        assert!(ok.success());
        let ok =
            Command::new("git").args(["reset", "-q", "main"]).current_dir(dir).status().unwrap();
        assert!(ok.success());
    }

    fn who(name: &str, time: i64) -> Signature<'static> {
        Signature::new(name, "bench@example.org", &Time::new(time, 8 * 60)).unwrap()
    }

    /// A folder of the work tree, remembering its tree id until something in it changes,
    /// so each commit writes only the trees on the path to the new report.
    #[derive(Default)]
    struct Folder {
        folders: BTreeMap<String, Folder>,
        files: BTreeMap<String, Oid>,
        written: Option<Oid>,
    }

    impl Folder {
        fn insert(&mut self, path: &str, blob: Oid) {
            self.written = None;
            match path.split_once('/') {
                Some((dir, rest)) => {
                    self.folders.entry(dir.to_string()).or_default().insert(rest, blob)
                }
                None => {
                    self.files.insert(path.to_string(), blob);
                }
            }
        }

        fn write(&mut self, repo: &Repository) -> Oid {
            if let Some(oid) = self.written {
                return oid;
            }
            let mut builder = repo.treebuilder(None).unwrap();
            for (name, sub) in &mut self.folders {
                builder.insert(name, sub.write(repo), 0o040000).unwrap();
            }
            for (name, blob) in &self.files {
                builder.insert(name, *blob, 0o100644).unwrap();
            }
            let oid = builder.write().unwrap();
            self.written = Some(oid);
            oid
        }
    }

    fn commit(
        repo: &Repository,
        who: &Signature,
        tree: Oid,
        parents: &[Oid],
        message: &str,
        key: Option<&ssh_key::PrivateKey>,
    ) -> Oid {
        let tree = repo.find_tree(tree).unwrap();
        let parents: Vec<git2::Commit> =
            parents.iter().map(|p| repo.find_commit(*p).unwrap()).collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        let buffer = repo.commit_create_buffer(who, who, message, &tree, &parents).unwrap();
        let buffer = buffer.as_str().unwrap();
        match key {
            None => repo.odb().unwrap().write(git2::ObjectType::Commit, buffer.as_bytes()).unwrap(),
            Some(key) => {
                let signature =
                    key.sign("git", ssh_key::HashAlg::Sha512, buffer.as_bytes()).unwrap();
                let pem = signature.to_pem(ssh_key::LineEnding::LF).unwrap();
                repo.commit_signed(buffer, &pem, None).unwrap()
            }
        }
    }
}

/// The file stem of a report path.
fn stem(path: &str) -> &str {
    path.rsplit('/').next().unwrap().trim_end_matches(".md")
}

/// The project's own `xinbao.yaml` (息烽县发展和改革局) without its sample keys:
/// the corpus's bureau (`--signed` registers keys of its own).
fn sample_settings() -> String {
    let mut out = String::new();
    let mut skipping: Option<usize> = None;
    for line in include_str!("../xinbao.yaml").lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(depth) = skipping {
            if indent > depth && !line.trim().is_empty() {
                continue;
            }
            skipping = None;
        }
        if line.trim_start().starts_with("keys:") {
            skipping = Some(indent);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
