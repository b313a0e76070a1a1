//! Trust in the settings: they come from history, and only the office's signature changes who
//! may approve (work-tree edits, merged changes and unsigned changes do not); `--trust-root`.

use super::{
    AMENDED, MERGED, Report, SETTLED, STRANGER, WRITTEN, anchor, finding, pair, report, state_of,
    trust_problems,
};
use crate::bureau::Bureau;

// ---- Settings come from history, and changing them needs the office ----

#[test]
fn an_unsigned_settings_change_is_settings_unsigned_and_does_not_take_effect() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    let change = bureau.commit(AMENDED, None, "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(
        state_of(&status, "2026-03-02-r1"),
        ("submitted".into(), vec!["key-unknown".into()])
    );
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &change)]);
    assert_eq!(anchor(&status), ("root".into(), bureau.root_commit()));
    let (code, findings) = bureau.check(&["--approvals"]);
    assert_eq!(code, 1);
    assert!(
        findings.contains(&finding("xinbao.yaml", "settings-unsigned", "error")),
        "{findings:?}"
    );
}

#[test]
fn an_office_signed_settings_change_takes_effect() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    bureau.commit(AMENDED, Some("qian"), "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"][0]["name"], STRANGER);
    assert_eq!(trust_problems(&status), []);
    assert_eq!(bureau.check(&["--approvals"]).0, 0);
}

#[test]
fn a_supervisors_merge_does_not_make_a_settings_change_valid() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.branch("zhang/r1", WRITTEN, |bureau| {
        bureau.write(Report::new("2026-03-02-r1", "投资科"));
        bureau.add_person(&bureau.person(STRANGER));
    });
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    let carried = bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.merge("zhang/r2", MERGED, Some("stranger"));
    let status = bureau.status();
    // 李四 may approve the report he merged, not the settings it carried.
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(
        state_of(&status, "2026-03-02-r2"),
        ("submitted".into(), vec!["key-unknown".into()])
    );
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &carried)]);
}

#[test]
fn work_tree_settings_do_not_change_any_verdict() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.propose("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")]);
    bureau.propose("zhang/r2", &[Report::new("2026-03-02-r2", "投资科")]);
    bureau.merge("zhang/r1", MERGED, Some("li"));
    bureau.merge("zhang/r2", MERGED, Some("stranger"));
    let before = bureau.status();
    // An uncommitted edit gives 李四's place to the stranger's key.
    let settings = bureau.root().join("xinbao.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace(&bureau.public("li"), &bureau.public("stranger")))
        .unwrap();
    let after = bureau.status();
    assert_eq!(state_of(&after, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&after, "2026-03-02-r1").unwrap()["approved_by"][0]["name"], "李四");
    assert_eq!(state_of(&after, "2026-03-02-r2"), ("submitted".into(), vec!["key-unknown".into()]));
    assert_eq!(trust_problems(&after), []);
    assert_eq!(after, before);
    // The run says so, in the user's language (`--lang`, not only the locale).
    for (args, said) in [
        (&["status"][..], "工作区的 xinbao.yaml 与历史中生效的设置不同"),
        (
            &["--lang", "en", "status"][..],
            "xinbao.yaml in the work tree differs from the settings in force",
        ),
    ] {
        let out = bureau.xinbao(args, &[("LANG", "zh_CN.UTF-8")]);
        let told = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && told.contains(said), "{args:?}: {told}");
    }
}

#[test]
fn names_and_layout_change_without_a_signature() {
    let Some(bureau) = Bureau::new() else { return };
    let settings = bureau.root().join("xinbao.yaml");
    let text =
        std::fs::read_to_string(&settings).unwrap().replace("测试县发展和改革局", "测试县发改局");
    let layout =
        "fonts:\n  body: 仿宋_GB2312\nbulletin:\n  name: 测试信息\nnotice:\n  code: 测发改办\n";
    std::fs::write(&settings, text + layout).unwrap();
    bureau.commit(AMENDED, None, "改名称和版式");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("li"));
    let status = bureau.status();
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(trust_problems(&status), []);
    assert_eq!(bureau.check(&["--approvals"]).0, 0);
}

#[test]
fn a_layout_change_on_top_of_a_rejected_one_is_not_a_new_settings_change() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    let rejected = bureau.commit(AMENDED, None, "加一位分管负责人");
    // Only the bureau's name changes next: nothing new to sign, and the stranger
    // is still not in force.
    let settings = bureau.root().join("xinbao.yaml");
    let text =
        std::fs::read_to_string(&settings).unwrap().replace("测试县发展和改革局", "测试县发改局");
    std::fs::write(&settings, text).unwrap();
    bureau.commit("2026-03-02T11:00:00+08:00", None, "改局名");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &rejected)]);
    assert_eq!(state_of(&status, "2026-03-02-r1").0, "submitted");
}

#[test]
fn settings_are_accepted_unsigned_only_until_they_name_an_office_key() {
    let Some(bureau) = Bureau::unsettled() else { return };
    bureau.settle(SETTLED, &bureau.people(&["钱七"]));
    // Nobody could sign yet: 钱七 comes in unsigned, and from then on she must sign.
    bureau.add_person(&bureau.person("钱七"));
    let office = bureau.commit(AMENDED, None, "办公室");
    bureau.add_person(&bureau.person(STRANGER));
    let change = bureau.commit("2026-03-02T11:00:00+08:00", None, "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    let status = bureau.status();
    assert_eq!(anchor(&status), ("office-key".into(), office));
    assert_eq!(trust_problems(&status), [pair("settings-unsigned", &change)]);
    assert_eq!(
        state_of(&status, "2026-03-02-r1"),
        ("submitted".into(), vec!["key-unknown".into()])
    );
}

#[test]
fn trust_root_pins_the_anchor_by_flag_and_by_environment() {
    let Some(bureau) = Bureau::new() else { return };
    bureau.add_person(&bureau.person(STRANGER));
    let pinned = bureau.commit(AMENDED, None, "加一位分管负责人");
    bureau.submit("zhang/r1", &[Report::new("2026-03-02-r1", "投资科")], Some("stranger"));
    assert_eq!(bureau.state("2026-03-02-r1"), ("submitted".into(), vec!["key-unknown".into()]));
    let status = bureau.status_with(&["--trust-root", &pinned], &[]);
    assert_eq!(anchor(&status), ("pinned".into(), pinned.clone()));
    assert_eq!(trust_problems(&status), []);
    assert_eq!(state_of(&status, "2026-03-02-r1"), ("approved".into(), vec![]));
    assert_eq!(report(&status, "2026-03-02-r1").unwrap()["approved_by"][0]["name"], STRANGER);
    let by_env = bureau.status_with(&[], &[("XINBAO_TRUST_ROOT", &pinned)]);
    assert_eq!(by_env, status);
}
