// The desk's page: every list, form and action comes from the desk's JSON API
// (SPEC §11). Plain script, no build step, nothing newer than Chromium 90.
"use strict";

const TOKEN = document.querySelector('meta[name="xinbao-token"]').content;
const EN = document.documentElement.lang === "en";
const WORDS = {
  write: ["新建信息", "New report"], mine: ["我的信息", "My reports"],
  review: ["待审核", "To approve"], publish: ["待发布", "To publish"],
  category: ["类别", "Category"], titleLabel: ["标题", "Title"], body: ["正文", "Text"],
  pictures: ["图片与图说", "Pictures and captions"],
  drop: ["把 PNG 或 JPEG 图片拖到这里，或用下面的按钮选择", "Drop PNG or JPEG pictures here, or choose them below"],
  choose: ["选择图片", "Choose pictures"], findings: ["检查结果", "Findings"],
  save: ["保存", "Save"], submit: ["提交审核", "Submit for approval"], clear: ["新建另一条", "Start another"],
  publishGo: ["发布所选", "Publish the selected"], pdf: ["查看 PDF（打印效果）", "View the PDF (as printed)"],
  diff: ["与上次审核稿的差异", "Changes since the last approved text"],
  caption: ["图说", "Caption"], remove: ["移除", "Remove"], required: ["必填", "required"],
  saved: ["已保存并提交到分支 ", "Saved and committed on branch "],
  pushed: ["已提交审核（已推送到 origin）", "Submitted (pushed to origin)"],
  notPushed: ["未能推送：", "Not pushed: "], noFindings: ["没有发现问题", "No findings"],
  approve: ["审核通过", "Approve"], giveBack: ["退回修改", "Return for changes"],
  reason: ["退回原因", "Reason for the return"], view: ["查看", "View"],
  approved: ["已审核通过，提交 ", "Approved, commit "], returned: ["已退回，提交 ", "Returned, commit "],
  published: ["已发布，提交 ", "Published, commit "], nothing: ["（无）", "(none)"],
  id: ["编号", "Id"], state: ["状态", "State"], returnReason: ["退回原因", "Returned because"],
  edit: ["修改正文", "Edit the text"], normalize: ["规范文字", "Normalize"],
  normalizeText: ["规范格式和文字（发布时随签名提交，差异记入审核记录）", "Normalize the format and wording (committed, signed, when published; the diff is kept in the trail)"],
  staged: ["已保存到工作区（尚未提交，发布时一并签名提交）", "Saved in the work tree (not committed; signed with the publication)"],
  publishOne: ["发布", "Publish"], adopt: ["采用登记", "Adoptions"],
  adoptIntro: ["已发布的信息被上级采用后，在这里登记：写入该信息的 adoptions 并用你的签名发布（与命令行相同）。",
    "When a published report is adopted higher up, record it here: the entry goes into the report's adoptions and is published with your signature (as on the command line)."],
  adoptId: ["信息编号（已发布）", "Report id (published)"], adoptBy: ["采用单位或刊物", "Adopted by (body or bulletin)"],
  adoptLevel: ["级别", "Level"], adoptDate: ["采用日期", "Date adopted"], adoptGo: ["登记采用并签名发布", "Record the adoption, signed"],
  adopted: ["已登记采用并发布，提交 ", "Adoption recorded and published, commit "],
  signing: ["签名密钥", "Signing key"],
  inArchive: ["在档案网站中查看", "See it in the archive"], archiveLink: ["档案网站（已发布的信息）", "The archive (what was published)"],
  openRequest: ["在代码托管平台上创建合并请求", "Open the pull request on the forge"],
  keysIntro: ["审核、退回和发布都要用你自己的密钥签名。工作台可以在这台电脑上为你生成一对密钥：私钥只存放在本仓库的 .git 文件夹中，从不离开这台电脑；把下面的公钥交给办公室，在“设置”中登记到你名下后即可签名。",
    "Approving, returning and publishing are signed with your own key. The desk can make a key pair for you on this computer: the private key stays in this repository's .git folder and never leaves the computer; give the public key below to the office, who registers it under your name in Set-up, and you can sign."],
  keyPublic: ["我的公钥", "My public key"], keyMake: ["在本机生成我的签名密钥", "Make my signing key on this computer"],
  keyMine: ["填入我在本机的密钥", "Fill in my key from this computer"],
  keyNone: ["git 尚未设置签名密钥。", "git has no signing key set up yet."],
  keyHere: ["git 用工作台在本机生成的密钥签名。", "git signs with the key the desk made on this computer."],
  keyOther: ["git 已设置你自己的签名密钥。", "git signs with a key you set up yourself."],
  keyMade: ["签名密钥已就绪，请把公钥交给办公室登记。", "Your signing key is ready: give the public key to the office to register."],
  bulletin: ["编发期刊", "Compile a bulletin issue"],
  bulletinIntro: ["把一段时间内已发布的信息编成一期：期号记录用你的签名提交后才生效（与命令行 xinbao bulletin 相同）。",
    "Compile the reports published in a period into one issue: its record counts once committed with your signature (as xinbao bulletin does)."],
  bulletinFrom: ["起始日期", "First day"], bulletinTo: ["截止日期", "Last day"],
  bulletinGo: ["编发并签名提交", "Compile and commit, signed"],
  bulletinDone: ["已编发，提交 ", "Issue recorded, commit "], issueOf: ["期", "issue"],
  noticeH: ["季度通报", "The quarterly notice"], noticeQuarter: ["季度（如 2026Q4）", "Quarter (e.g. 2026Q4)"],
  noticePdf: ["下载通报 PDF", "Download the notice (PDF)"], noticeDocx: ["下载通报 DOCX", "Download the notice (DOCX)"],
  volumeH: ["信息汇编（定期整理）", "The volume (信息汇编)"], volumePeriod: ["年度或季度（如 2026、2026Q3）", "Year or quarter (e.g. 2026, 2026Q3)"],
  volumePdf: ["下载汇编 PDF", "Download the volume (PDF)"], volumeDocx: ["下载汇编 DOCX", "Download the volume (DOCX)"], saveText: ["保存修改", "Save the changes"],
  unknownUser: ["git 的 user.name 不在 xinbao.yaml 的人员中", "git's user.name is not a person in xinbao.yaml"],
  working: ["正在处理……", "Working…"], unit: ["科室", "Unit"], branch: ["分支", "Branch"],
  select: ["选择", "Select"], late: ["迟报", "late"], received: ["服务器收到时间", "Received by the server"],
  unconfirmed: ["未经服务器确认", "not confirmed by the server"], onMain: ["已在主线", "Already on main"],
  actions: ["操作", "Actions"], setup: ["设置", "Set-up"],
  setupIntro: ["填写本局的名称、科室和人员，登记要签名的人的公钥。保存时用你的签名提交 xinbao.yaml（SPEC §6.1：须由办公室或管理员签名才生效）。",
    "Fill in the bureau's name, units and people, and register the public keys of those who sign. Saving commits xinbao.yaml signed by you (SPEC §6.1: only an office or admin signature makes it take effect)."],
  bureauLabel: ["局名（发文机关全称）", "The bureau (full name)"], unitsLabel: ["科室（用顿号或逗号分开）", "Units (separated by commas)"],
  people: ["人员", "People"], addPerson: ["添加人员", "Add a person"], keyTitle: ["登记公钥", "Register a public key"],
  keyPerson: ["谁的公钥", "Whose key"], keyLabel: ["公钥（ssh-keygen 生成的 .pub 文件的一行内容；私钥不离开本人的电脑）", "Public key (the one line of the .pub file ssh-keygen made; the private key never leaves its owner's computer)"],
  saveSettings: ["保存设置并签名提交", "Save the settings, signed"], name: ["姓名", "Name"], roles: ["角色（writer、supervisor、office、admin）", "Roles (writer, supervisor, office, admin)"],
  supervises: ["分管科室", "Supervises"], phone: ["电话", "Phone"], keys: ["已登记密钥", "Keys"],
  settingsSaved: ["设置已签名提交 ", "Settings committed, signed: "],
  placeholders: ["xinbao.yaml 仍是 xinbao init 写入的示例（", "xinbao.yaml still holds xinbao init's placeholders ("],
  placeholdersEnd: ["），请办公室或管理员在“设置”页填写本局的实际情况。", "): the office or an admin should fill in the bureau's own in Set-up."],
};
const STATES = {
  draft: ["草稿", "draft"], submitted: ["待审核", "submitted"], approved: ["已审核", "approved"],
  published: ["已发布", "published"], stale: ["审核失效", "stale"], returned: ["已退回", "returned"],
};
const ROLES = {
  writer: ["信息员", "writer"], supervisor: ["分管负责人", "supervisor"], office: ["办公室", "office"],
  admin: ["管理员", "admin"], server: ["服务器", "server"],
};
function t(key) { const w = WORDS[key]; return w ? w[EN ? 1 : 0] : key; }
function state(id) { const s = STATES[id]; return s ? s[EN ? 1 : 0] : id; }
function $(id) { return document.getElementById(id); }
function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.keys(props || {}).forEach((k) => {
    if (k === "text") node.textContent = props[k];
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), props[k]);
    else node.setAttribute(k, props[k]);
  });
  (children || []).forEach((c) => node.appendChild(c));
  return node;
}

/** Calls the API; throws an Error carrying the desk's message. */
async function api(method, path, body) {
  const init = { method: method, headers: { "X-Xinbao-Token": TOKEN }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const value = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = value.error ? value.error.message : response.statusText;
    throw new Error(message);
  }
  return value;
}

function notice(text, error) {
  const n = $("notice");
  n.textContent = text;
  n.className = error ? "error" : "";
}

async function attempt(job) {
  notice(t("working"));
  try { await job(); } catch (err) { notice(err.message, true); }
}

// ---- sections ---------------------------------------------------------------

const SECTIONS = [];
function show(id) {
  ["write", "mine", "review", "publish", "setup", "signing", "detail"].forEach((s) => { $(s).hidden = s !== id; });
  document.querySelectorAll("#tabs button").forEach((b) => {
    if (b.dataset.section === id) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  });
  const load = { mine: loadMine, review: loadReview, publish: loadPublish, setup: loadSetup, signing: loadSigning }[id];
  if (load) attempt(load);
}

async function start() {
  // The cookie now holds the token: keep it out of the address bar and the history.
  if (location.search.includes("token=")) history.replaceState(null, "", "/");
  document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
  document.title = EN ? "xinbao desk" : "信报工作台";
  $("title").textContent = document.title;
  const session = await api("GET", "/api/session");
  const roles = session.roles || [];
  $("who").textContent = session.known
    ? `${session.bureau} · ${session.name}${session.unit ? "（" + session.unit + "）" : ""} · ${roles.map((r) => (ROLES[r] ? ROLES[r][EN ? 1 : 0] : r)).join(EN ? ", " : "、")}`
    : `${session.bureau} · ${session.name || "?"} · ${t("unknownUser")}`;
  if (roles.includes("writer") || roles.includes("office") || !session.known) SECTIONS.push("write", "mine");
  if (roles.includes("supervisor")) SECTIONS.push("review");
  if (roles.includes("office")) SECTIONS.push("publish");
  // The adoption levels are those the settings score.
  (session.adoption_levels || []).forEach((level) => {
    $("a-level").appendChild(el("option", { value: level.id, text: level.label }));
  });
  if (session.may_set_up) SECTIONS.push("setup");
  if (session.known) SECTIONS.push("signing");
  if ((session.placeholders || []).length) {
    $("placeholders").textContent = t("placeholders") + session.placeholders.join("、") + t("placeholdersEnd");
    $("placeholders").hidden = false;
  }
  // Only those who may write get the form (and its checks as they type).
  if (SECTIONS.includes("write")) await setupForm();
  // The tabs appear with their first section shown, never before.
  SECTIONS.forEach((s) => {
    $("tabs").appendChild(el("button", { type: "button", "data-section": s, text: t(s), onclick: () => show(s) }));
  });
  // A bureau not yet set up starts on the set-up page.
  show(session.may_set_up && (session.placeholders || []).length ? "setup" : SECTIONS[0] || "write");
}

// ---- the writer's form ------------------------------------------------------

let current = null; // the id of the draft being written, once saved
let pictures = [];  // {name, caption, data}
let fieldKeys = []; // [path, input] of the generated fields
let template = "";  // the body the category's template gave

async function setupForm() {
  const form = await api("GET", "/api/fields?category=work");
  form.categories.forEach((c) => {
    $("category").appendChild(el("option", { value: c.id, text: EN ? c.id : c.label }));
  });
  $("category").addEventListener("change", () => attempt(renderFields));
  await renderFields();
  $("form").addEventListener("input", scheduleCheck);
  $("save").addEventListener("click", () => attempt(save));
  $("submit").addEventListener("click", () => attempt(submit));
  $("clear").addEventListener("click", () => { current = null; pictures = []; $("form").reset(); renderPictures(); notice(""); });
  $("picture-file").addEventListener("change", (e) => addFiles(e.target.files));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); addFiles(e.dataTransfer.files); });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") $("picture-file").click(); });
}

/** The form of the chosen category, from the field table (GET /api/fields). */
async function renderFields() {
  const form = await api("GET", "/api/fields?category=" + encodeURIComponent($("category").value || "work"));
  const box = $("fields");
  box.textContent = "";
  fieldKeys = [];
  form.fields.forEach((f) => box.appendChild(fieldNode(f, [])));
  // The template's body, unless the writer has written their own.
  const body = $("body");
  if (!body.value.trim() || body.value === template) body.value = (form.body || "").trim();
  template = body.value;
  scheduleCheck();
}

function fieldNode(field, parents) {
  const path = parents.concat([field.key]);
  const id = "f-" + path.join("-");
  if (field.fields && field.fields.length && field.kind === "record") {
    const set = el("fieldset", {}, [el("legend", { text: field.label })]);
    field.fields.forEach((f) => set.appendChild(fieldNode(f, path)));
    return set;
  }
  const label = el("label", { for: id, text: field.label });
  if (field.required) label.appendChild(el("span", { class: "need", text: "*", title: t("required") }));
  const input = el(field.kind === "text" && field.key.endsWith("reason") ? "textarea" : "input",
    { id: id, name: path.join("."), "aria-describedby": id + "-hint find-" + path.join("-") });
  if (field.required) input.setAttribute("aria-required", "true");
  if (field.example) input.setAttribute("placeholder", field.example);
  if (field.kind === "count") input.setAttribute("inputmode", "numeric");
  if (field.kind === "phone") input.setAttribute("inputmode", "tel");
  fieldKeys.push([path, input, field.kind]);
  return el("div", { class: "row" }, [
    label,
    input,
    // A hint that only repeats the label is left empty.
    el("p", { class: "hint", id: id + "-hint", text: field.hint === field.label ? "" : field.hint }),
    el("ul", { class: "findings", id: "find-" + path.join("-") }),
  ]);
}

/** The form as the API takes it. */
function formValue() {
  const fields = {};
  fieldKeys.forEach(([path, input, kind]) => {
    let value = input.value.trim();
    if (!value) return;
    if (kind === "texts") value = value.split(/[、,，]\s*/).filter((v) => v);
    let at = fields;
    path.slice(0, -1).forEach((k) => { at[k] = at[k] || {}; at = at[k]; });
    at[path[path.length - 1]] = value;
  });
  const value = { category: $("category").value, title: $("f-title").value, fields: fields, body: $("body").value,
    pictures: pictures.map((p) => ({ name: p.name, caption: p.caption.value, data: p.data })) };
  if (current) value.id = current;
  return value;
}

let timer = null;
function scheduleCheck() {
  clearTimeout(timer);
  timer = setTimeout(() => { runCheck().catch((err) => notice(err.message, true)); }, 400);
}

async function runCheck() {
  const value = formValue();
  delete value.pictures; // pictures are checked when saved
  showFindings((await api("POST", "/api/check", value)).diagnostics);
}

/** Each finding beside its field; the rest under 检查结果. */
function showFindings(diagnostics) {
  document.querySelectorAll("#form .findings").forEach((u) => { u.textContent = ""; });
  if (!diagnostics.length) $("find-other").appendChild(el("li", { text: t("noFindings") }));
  diagnostics.forEach((d) => {
    const item = el("li", { class: d.severity, text: `${d.message}（${d.rule}）` });
    let target = null;
    const byKey = (key) => fieldKeys.find(([path]) => path[path.length - 1] === key);
    if (d.field === "title") target = $("find-title");
    else if (d.field && byKey(d.field)) target = $("find-" + byKey(d.field)[0].join("-"));
    else {
      const named = fieldKeys.find(([path]) => d.message.includes("`" + path[path.length - 1] + "`") || d.message.includes(path.join(".")));
      if (named) target = $("find-" + named[0].join("-"));
    }
    (target || $("find-other")).appendChild(item);
  });
}

function addFiles(files) {
  Array.from(files).forEach((file) => {
    const reader = new FileReader();
    reader.onload = () => {
      const data = String(reader.result).split(",")[1] || "";
      pictures.push({ name: file.name, data: data, caption: el("input", { id: "caption-" + pictures.length }) });
      renderPictures();
    };
    reader.readAsDataURL(file);
  });
}

function renderPictures() {
  const list = $("picture-list");
  list.textContent = "";
  pictures.forEach((p, i) => {
    p.caption.id = "caption-" + i;
    list.appendChild(el("li", {}, [
      el("span", { text: p.name + " " }),
      el("label", { for: p.caption.id, text: t("caption") }),
      p.caption,
      el("button", { type: "button", text: t("remove"), onclick: () => { pictures.splice(i, 1); renderPictures(); } }),
    ]));
  });
}

async function save() {
  const value = formValue();
  const done = current
    ? await api("PUT", "/api/reports/" + encodeURIComponent(current), value)
    : await api("POST", "/api/reports", value);
  current = done.id;
  showFindings(done.diagnostics);
  notice(t("saved") + done.branch + "（" + done.commit.slice(0, 8) + "）");
}

async function submit() {
  if (!current) await save();
  const done = await api("POST", "/api/reports/" + encodeURIComponent(current) + "/submit");
  notice(done.pushed ? t("pushed") : t("notPushed") + (done.error || ""), !done.pushed);
  if (done.request_url) {
    $("notice").appendChild(document.createTextNode(" "));
    $("notice").appendChild(el("a", { href: done.request_url, target: "_blank", rel: "noopener", text: t("openRequest") }));
  }
}

// ---- lists ------------------------------------------------------------------

function table(headers, rows) {
  const head = el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })));
  return el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)]);
}

async function loadMine() {
  const value = await api("GET", "/api/reports");
  const rows = value.reports.map((r) => el("tr", {}, [
    el("td", { text: r.id }),
    el("td", { text: state(r.state) + (r.late && r.late.length ? `（${t("late")}：${r.late.join("；")}）` : "") }),
    el("td", { text: r.returned || "" }),
    el("td", { text: r.received_at || (r.branch ? "" : t("unconfirmed")) }),
    el("td", {}, [
      el("button", { type: "button", text: t("view"), onclick: () => attempt(() => openReport(r.id, null, r.state !== "published" && r.state !== "approved")) }),
      r.branch ? el("button", { type: "button", text: t("submit"), onclick: () => attempt(async () => { current = r.id; await submit(); }) }) : el("span"),
      // A published report, where the archive's readers see it.
      r.state === "published" ? el("a", { href: "/archive/reports/" + encodeURIComponent(r.id) + ".html", target: "_blank", rel: "noopener", text: t("inArchive") }) : el("span"),
    ]),
  ]));
  const list = $("mine-list");
  list.textContent = "";
  list.appendChild(table([t("id"), t("state"), t("returnReason"), t("received"), t("actions")], rows));
  notice("");
}

async function loadReview() {
  const value = await api("GET", "/api/pending");
  const list = $("review-list");
  list.textContent = "";
  value.pending.forEach((group) => group.branches.forEach((b) => {
    const reason = el("textarea", { id: "reason-" + b.branch, rows: "2" });
    const card = el("div", { class: "card" }, [
      el("p", { text: `${t("branch")}：${b.branch}` + (b.returned ? `（${state("returned")}：${b.returned}）` : "") }),
      el("ul", {}, b.reports.map((r) => el("li", {}, [
        el("span", { text: `${r.id}（${r.unit}） ` }),
        el("button", { type: "button", text: t("view"), onclick: () => attempt(() => openReport(r.id, b.branch, false)) }),
      ]))),
      el("div", { class: "actions" }, [
        el("button", { type: "button", text: t("approve"), onclick: () => attempt(async () => {
          const done = await api("POST", "/api/approve", { branch: b.branch });
          await loadReview();
          notice(t("approved") + done.commit.slice(0, 8));
        }) }),
      ]),
      el("label", { for: reason.id, text: t("reason") }),
      reason,
      el("div", { class: "actions" }, [
        el("button", { type: "button", text: t("giveBack"), onclick: () => attempt(async () => {
          const done = await api("POST", "/api/return", { branch: b.branch, reason: reason.value });
          await loadReview();
          notice(t("returned") + done.commit.slice(0, 8));
        }) }),
      ]),
    ]);
    list.appendChild(card);
  }));
  (value.on_main || []).forEach((r) => {
    list.appendChild(el("div", { class: "card" }, [
      el("p", { text: `${t("onMain")}：${r.id}（${r.unit || ""}，${state(r.state)}） ` }),
      el("div", { class: "actions" }, [
        el("button", { type: "button", text: t("view"), onclick: () => attempt(() => openReport(r.id, null, false)) }),
        el("button", { type: "button", text: t("approve"), onclick: () => attempt(async () => {
          const done = await api("POST", "/api/approve", { ids: [r.id] });
          await loadReview();
          notice(t("approved") + done.commit.slice(0, 8));
        }) }),
      ]),
    ]));
  });
  if (!list.children.length) list.appendChild(el("p", { text: t("nothing") }));
  notice("");
}

async function loadPublish() {
  const value = await api("GET", "/api/approved");
  const list = $("publish-list");
  list.textContent = "";
  const rows = value.reports.map((r) => el("tr", {}, [
    el("td", {}, [el("input", { type: "checkbox", id: "pub-" + r.id, value: r.id, "aria-label": t("select") + " " + r.id })]),
    el("td", {}, [el("label", { for: "pub-" + r.id, text: r.title || r.id })]),
    el("td", { text: r.unit || "" }),
    el("td", {}, [
      el("button", { type: "button", text: t("view"), onclick: () => attempt(() => openReport(r.id, null, false)) }),
      el("button", { type: "button", text: t("normalize"), onclick: () => attempt(() => openApproved(r.id)) }),
    ]),
  ]));
  list.appendChild(rows.length ? table([t("select"), t("titleLabel"), t("unit"), t("actions")], rows) : el("p", { text: t("nothing") }));
  $("publish-go").onclick = () => attempt(async () => {
    const ids = Array.from(list.querySelectorAll("input:checked")).map((c) => c.value);
    const done = await api("POST", "/api/publish", { ids: ids });
    await loadPublish();
    notice(t("published") + done.commit.slice(0, 8));
  });
  $("a-go").onclick = () => attempt(async () => {
    const adoption = { id: $("a-id").value, by: $("a-by").value, level: $("a-level").value, date: $("a-date").value };
    const done = await api("POST", "/api/adoptions", adoption);
    notice(t("adopted") + done.commit.slice(0, 8));
  });
  $("b-go").onclick = () => attempt(async () => {
    const done = await api("POST", "/api/bulletin", { from: $("b-from").value, to: $("b-to").value });
    const files = $("b-files");
    files.textContent = "";
    files.appendChild(el("a", { href: done.pdf, text: done.year + " " + t("issueOf") + " " + done.number + " PDF" }));
    files.appendChild(document.createTextNode(" · "));
    files.appendChild(el("a", { href: done.docx, text: "DOCX" }));
    notice(t("bulletinDone") + done.commit.slice(0, 8));
  });
  const download = (format) => () => {
    window.location.href = "/api/notice?quarter=" + encodeURIComponent($("n-quarter").value.trim()) + "&format=" + format;
  };
  $("n-pdf").onclick = download("pdf");
  $("n-docx").onclick = download("docx");
  const volume = (format) => () => {
    window.location.href = "/api/volume?period=" + encodeURIComponent($("v-period").value.trim()) + "&format=" + format;
  };
  $("v-pdf").onclick = volume("pdf");
  $("v-docx").onclick = volume("docx");
  notice("");
}

// ---- the set-up page ---------------------------------------------------------

let people = []; // [{person, inputs}]: the file's people (keys kept) and their rows
const LIST = /[、,，]\s*/;

function personRow(person) {
  const i = people.length;
  const cell = (key, label, value) => {
    const input = el("input", { id: `s-${key}-${i}`, "aria-label": `${label} ${i + 1}` });
    input.value = value || "";
    return [key, input];
  };
  const inputs = [
    cell("name", t("name"), person.name),
    cell("unit", t("unit"), person.unit),
    cell("roles", t("roles"), (person.roles || []).join("、")),
    cell("supervises", t("supervises"), (person.supervises || []).join("、")),
    cell("phone", t("phone"), person.phone),
  ];
  const entry = { person: person, inputs: inputs };
  people.push(entry);
  const keys = (person.keys || []).map((k) => (k.ssh || k.openpgp || "").split(" ").slice(0, 2).join(" ").slice(0, 40) + "…");
  let tr = null;
  tr = el("tr", {}, inputs.map(([, input]) => el("td", {}, [input])).concat([
    el("td", { text: keys.join("；") }),
    el("td", {}, [el("button", { type: "button", text: t("remove"), onclick: () => { entry.removed = true; tr.hidden = true; } })]),
  ]));
  return tr;
}

async function loadSetup() {
  const value = await api("GET", "/api/settings");
  $("s-bureau").value = value.bureau || "";
  $("s-units").value = (value.units || []).join("、");
  people = [];
  const rows = (value.people || []).map(personRow);
  const box = $("s-people");
  box.textContent = "";
  const heads = [t("name"), t("unit"), t("roles"), t("supervises"), t("phone"), t("keys"), t("actions")];
  box.appendChild(table(heads, rows));
  $("s-add").onclick = () => { box.querySelector("tbody").appendChild(personRow({})); keyChoices(); };
  $("s-save").onclick = () => attempt(saveSetup);
  $("s-mine").onclick = () => attempt(async () => {
    const made = await api("POST", "/api/signing");
    const session = await api("GET", "/api/session");
    $("s-key").value = made.ssh;
    $("s-key-person").value = session.name;
    notice(t("keyMade"));
  });
  keyChoices();
  notice("");
}

function keyChoices() {
  const select = $("s-key-person");
  select.textContent = "";
  people.forEach((p) => {
    const name = p.inputs[0][1].value || p.person.name || "";
    if (name) select.appendChild(el("option", { value: name, text: name }));
  });
}

async function saveSetup() {
  const list = (text) => text.split(LIST).map((v) => v.trim()).filter((v) => v);
  const value = {
    bureau: $("s-bureau").value,
    units: list($("s-units").value),
    people: people.filter((p) => !p.removed && p.inputs[0][1].value.trim()).map((p) => {
      const person = Object.assign({}, p.person);
      p.inputs.forEach(([key, input]) => {
        person[key] = key === "roles" || key === "supervises" ? list(input.value) : input.value.trim();
      });
      return person;
    }),
  };
  const key = $("s-key").value.trim();
  if (key) value.key = { name: $("s-key-person").value, ssh: key };
  const done = await api("POST", "/api/settings", value);
  $("s-key").value = "";
  await loadSetup();
  const session = await api("GET", "/api/session");
  $("placeholders").hidden = !(session.placeholders || []).length;
  notice(t("settingsSaved") + done.commit.slice(0, 8) + (done.warnings.length ? "（" + done.warnings.join("；") + "）" : ""));
}

// ---- the signing key ----------------------------------------------------------

async function loadSigning() {
  const shown = (value) => {
    $("k-state").textContent = !value.configured ? t("keyNone") : value.made_here ? t("keyHere") : t("keyOther");
    $("k-public").value = value.ssh || "";
  };
  shown(await api("GET", "/api/signing"));
  $("k-make").onclick = () => attempt(async () => {
    shown(await api("POST", "/api/signing"));
    notice(t("keyMade"));
  });
  notice("");
}

/** The findings and the diff of a report in the detail view. */
function detailFindings(r) {
  const findings = $("detail-findings");
  findings.textContent = "";
  (r.diagnostics || []).forEach((d) => findings.appendChild(el("li", { class: d.severity, text: `${d.message}（${d.rule}）` })));
  if (!findings.children.length) findings.appendChild(el("li", { text: t("noFindings") }));
  $("detail-diff").textContent = r.diff || t("nothing");
}

/** One report: its state, the PDF, the findings and the diff; editable for its writer. */
async function openReport(id, branch, editable) {
  const query = branch ? "?branch=" + encodeURIComponent(branch) : "";
  const r = await api("GET", "/api/reports/" + encodeURIComponent(id) + query);
  show("detail");
  $("detail-h").textContent = id;
  $("detail-pdf").href = r.pdf;
  $("detail-state").textContent = state(r.state) + (r.returned ? `（${t("returnReason")}：${r.returned}）` : "");
  detailFindings(r);
  const actions = $("detail-actions");
  actions.textContent = "";
  if (editable) {
    const text = el("textarea", { id: "edit-text", rows: "20" });
    text.value = r.text || "";
    actions.appendChild(el("div", { class: "row" }, [el("label", { for: "edit-text", text: t("edit") }), text]));
    actions.appendChild(el("button", { type: "button", text: t("saveText"), onclick: () => attempt(async () => {
      const done = await api("PUT", "/api/reports/" + encodeURIComponent(id), { text: text.value });
      notice(t("saved") + done.branch + "（" + done.commit.slice(0, 8) + "）");
      await openReport(id, null, true);
    }) }));
  }
  $("detail-h").focus();
  notice("");
}

/** The office's 待发布 of one report: its text edited in place (格式或文字规范), the
 *  diff against the approved text (the one `publish` records), saved and published. */
async function openApproved(id) {
  const path = "/api/approved/" + encodeURIComponent(id);
  const r = await api("GET", path);
  show("detail");
  $("detail-h").textContent = id;
  $("detail-pdf").href = "/api/reports/" + encodeURIComponent(id) + "/pdf";
  $("detail-state").textContent = state("approved");
  detailFindings(r);
  const actions = $("detail-actions");
  actions.textContent = "";
  const text = el("textarea", { id: "edit-text", rows: "20" });
  text.value = r.text || "";
  actions.appendChild(el("div", { class: "row" }, [el("label", { for: "edit-text", text: t("normalizeText") }), text]));
  actions.appendChild(el("button", { type: "button", text: t("saveText"), onclick: () => attempt(async () => {
    detailFindings(await api("PUT", path, { text: text.value }));
    notice(t("staged"));
  }) }));
  actions.appendChild(el("button", { type: "button", text: t("publishOne"), onclick: () => attempt(async () => {
    await api("PUT", path, { text: text.value });
    const done = await api("POST", "/api/publish", { ids: [id] });
    actions.textContent = "";
    $("detail-state").textContent = state("published");
    notice(t("published") + done.commit.slice(0, 8));
  }) }));
  $("detail-h").focus();
  notice("");
}

start().catch((err) => notice(err.message, true));
