/**
 * The contract's error messages in Chinese, for a caller whose
 * `Accept-Language` prefers it (the console sends its own language).
 *
 * Why a table of the English wordings rather than message keys at every
 * source: the English text is the contract's (api.md, every client and test
 * reads it), the sources are spread over the domain's schemas, the USCC
 * rules and the edge, and most carry values (a position, a limit, a
 * suggestion). Each rule below matches one source's wording whole (anchored)
 * and keeps its values; a message no rule knows stays in English rather than
 * being half translated. tests/unit/error-language.test.ts produces the
 * messages from the real sources and holds every one of them to a rule.
 *
 * The states a 409 names are worded as the console names them, with the
 * API's code beside (`为“已批准，待双方确认”（APPROVED）`), so the page and
 * the refusal agree and a developer still finds the state.
 */
import { acceptedLanguages } from '#domain/language.ts';
import type { ErrorDetail } from '#domain/errors.ts';
import { MATCH_STATUS_ZH, NEED_STATUS_ZH, PROVIDER_STATUS_ZH } from '#domain/status-names.ts';
import { systemReasonInChinese } from '#domain/system-reasons.ts';

type Rule = readonly [RegExp, (...groups: string[]) => string];

const TYPE: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: 'null',
  date: '日期',
};
const KIND: Record<string, string> = {
  'a string': '字符串',
  'a number': '数字',
  'a boolean': '布尔值',
  'an object': '对象',
  'an array': '数组',
  null: 'null',
};
const FORMAT: Record<string, string> = {
  email: '电子邮件地址',
  url: 'URL',
  uuid: 'UUID',
  datetime: 'ISO 8601 日期时间',
  date: '日期（YYYY-MM-DD）',
  regex: '格式',
};
const PART: Record<string, string> = { body: '请求体', query: '查询参数', path: '路径参数', header: '请求头' };
const type = (t: string) => TYPE[t] ?? t;

// The console's own names of states (domain/status-names.ts), so a 409 and the page name a state alike.
const MATCH_STATUS: Record<string, string> = MATCH_STATUS_ZH;
const NEED_STATUS: Record<string, string> = NEED_STATUS_ZH;
const PROVIDER_STATUS: Record<string, string> = PROVIDER_STATUS_ZH;
const VERB: Record<string, string> = {
  approve: '批准',
  reject: '驳回',
  accept: '接受',
  decline: '拒绝',
  deliver: '标记交付',
  confirm: '确认',
  dispute: '提出异议',
  resolveCompleted: '裁定为完成',
  resolveCancelled: '裁定为取消',
  expire: '使其过期',
  cancel: '取消',
  withdraw: '撤回',
  propose: '推荐',
  reopen: '重新等待',
  fulfil: '完成',
};
const ACTOR: Record<string, string> = { sme: '企业', provider: '服务机构', operator: '运营人员', system: '系统' };
const verb = (cmd: string) => VERB[cmd] ?? cmd;
const actor = (by: string) => ACTOR[by] ?? by;

/** `"a", "b" or "c"` → `"a"、"b" 或 "c"`. */
const list = (s: string) => s.replace(/", "/g, '"、"').replace(/" or "/g, '" 或 "');
/** `missing a, b; unexpected "x"; columns out of order` (a register's header row). */
const headerProblem = (why: string) =>
  why
    .split('; ')
    .map((p) => p.replace(/^missing (.+)$/, '缺少 $1').replace(/^unexpected (.+)$/, '多出 $1').replace(/^columns out of order$/, '列的顺序不对'))
    .join('；');
/** The tail `did you mean "x"?` of several sources. */
const didYouMean = (s: string) => `您是否想输入 ${list(s)}？`;

// Built on the first Chinese answer: the table is not init work for the (mostly English) rest.
let rules: Rule[] | undefined;
function table(): Rule[] {
  return (rules ??= [
    // functions/http/validate.ts: zod's issue codes in the contract's words
    [/^unknown fields?: (.+)$/, (keys) => `未知字段：${keys}`],
    [/^required \((.+)\)$/, (t) => `必填（${type(t)}）`],
    [/^required: (.+)$/, (rest) => `必填：${translate(rest) ?? rest}`],
    [/^expected an? (\w+), got (.+)$/, (t, got) => `应为${type(t)}，实际为${KIND[got] ?? got}`],
    [/^must be one of: (.+)$/, (values) => `须为以下之一：${values}`],
    [/^must have at least (\d+) character\(s\)$/, (n) => `至少 ${n} 个字符`],
    [/^must have at most (\d+) character\(s\)$/, (n) => `最多 ${n} 个字符`],
    [/^must have at least (\d+) item\(s\)$/, (n) => `至少 ${n} 项`],
    [/^must have at most (\d+) item\(s\)$/, (n) => `最多 ${n} 项`],
    [/^must be >= (.+)$/, (n) => `不得小于 ${n}`],
    [/^must be <= (.+)$/, (n) => `不得大于 ${n}`],
    [/^must be a valid (\w+)$/, (f) => `须为有效的${FORMAT[f] ?? f}`],
    [/^must be a multiple of (.+)$/, (n) => `须为 ${n} 的倍数`],
    [/^invalid value$/, () => '取值无效'],
    // domain/model.ts, regions.ts, vouchers.ts, credentials.ts
    [/^must not contain control characters$/, () => '不得包含控制字符'],
    [/^must not repeat an entry$/, () => '不得包含重复项'],
    [/^must not repeat a certificate \(type and number\)$/, () => '不得重复填写同一证书（类型与编号相同）'],
    [/^must be a catalog service type id: did you mean (.+)\?$/, (s) => `须为服务目录中的服务类型 id：${didYouMean(s)}`],
    [/^must be a catalog service type id \(GET \/v1\/catalog lists them\)$/, () => '须为服务目录中的服务类型 id（GET /v1/catalog 列出全部）'],
    [/^must be an ISO 3166-2:CN province code: did you mean (.+)\?$/, (s) => `须为 ISO 3166-2:CN 省级行政区代码：${didYouMean(s)}`],
    [/^must be an ISO 3166-2:CN province code, e\.g\. "(.+)" \(GET \/v1\/regions lists them\)$/, (s) => `须为 ISO 3166-2:CN 省级行政区代码，例如 "${s}"（GET /v1/regions 列出全部）`],
    [/^must be an ISO 3166-1 alpha-2 country code, e\.g\. (.+)$/, (s) => `须为 ISO 3166-1 alpha-2 国家代码，例如 ${s}`],
    [/^must be a canonical BCP 47 language tag, e\.g\. (.+)$/, (s) => `须为规范的 BCP 47 语言标签，例如 ${s}`],
    [/^must be a month, YYYY-MM$/, () => '须为月份，格式 YYYY-MM'],
    [
      /^must be an E\.164 number \((.+)\), a Chinese mobile \((.+)\) or a landline with its area code \((.+)\)$/,
      (e164, mobile, landline) => `须为 E.164 号码（${e164}）、中国大陆手机号（${mobile}）或带区号的固定电话（${landline}）`,
    ],
    [/^must change at least one field$/, () => '须至少修改一个字段'],
    [/^priceMin must not exceed priceMax$/, () => 'priceMin 不得高于 priceMax'],
    [/^faceValue must not exceed budget$/, () => 'faceValue 不得高于 budget'],
    [/^an offering that is not remote must serve at least one province$/, () => '非远程服务须至少覆盖一个省份'],
    [/^tierValidUntil needs tier$/, () => '填写 tierValidUntil 时须同时填写 tier'],
    [/^must verify at least one of tier, sizeClass, weakFoundation$/, () => '须至少核验 tier、sizeClass、weakFoundation 中的一项'],
    // functions/http/schemas.ts: ids, pages and keys
    [/^must be an? (\w+)_ id$/, (prefix) => `须为 ${prefix}_ 开头的 id`],
    [/^must be an integer (\d+)\.\.(\d+)$/, (lo, hi) => `须为 ${lo} 到 ${hi} 之间的整数`],
    [/^must be (\d+)-(\d+) characters of (.+)$/, (lo, hi, chars) => `须为 ${lo}–${hi} 个字符，只可包含 ${chars}`],
    [
      /^the USCC was issued in (\S+) \(division code (\d+)\) but region\.province is (\S+): they must agree$/,
      (p, d, q) => `统一社会信用代码登记于 ${p}（行政区划代码 ${d}），而 region.province 为 ${q}：两者须一致`,
    ],
    [/^add a (\S+) certification valid today$/, (c) => `请添加一份今日有效的 ${c} 证书`],
    // domain/uscc.ts: which rule of GB 32100-2015 failed
    [/^must be 18 characters, got (\d+)( \(remove the surrounding spaces\))?$/, (n, spaces) => `须为 18 位，实际为 ${n} 位${spaces ? '（请去掉首尾空格）' : ''}`],
    [/^must be written in upper case: did you mean (.+)\?$/, (s) => `须使用大写字母：${didYouMean(s)}`],
    [
      /^position (\d+) holds (".+"), a letter the code never uses \(I, O, Z, S, V are excluded\): did you mean (.+)\?$/,
      (i, c, s) => `第 ${i} 位为 ${c}，代码从不使用该字母（I、O、Z、S、V 均不使用）：${didYouMean(s)}`,
    ],
    [
      /^position (\d+) holds (.+): only digits and upper-case letters other than I, O, Z, S, V are allowed$/,
      (i, c) => `第 ${i} 位为 ${c}：只允许数字和 I、O、Z、S、V 以外的大写字母`,
    ],
    [/^position 1 \(registration authority\) must be one of (.+); got (".*")$/, (codes, c) => `第 1 位（登记管理部门代码）须为 ${codes} 之一，实际为 ${c}`],
    [
      /^position 2 \(organisation category\) (".*") is not defined for registration authority (".*") \((.+)\); allowed: (.+)$/,
      (c, a, name, allowed) => `第 2 位（机构类别代码）${c} 不属于登记管理部门 ${a}（${name}）；可用：${allowed}`,
    ],
    [/^positions 3–8 \(administrative division\) must be six digits; got (".*")$/, (s) => `第 3–8 位（登记管理机关行政区划码）须为六位数字，实际为 ${s}`],
    [/^positions 3–4 \((".*")\) are not the division code of a mainland province$/, (s) => `第 3–4 位（${s}）不是大陆省级行政区划代码`],
    [
      /^positions 9–17 are not a valid GB 11714 organisation code: its check character \(position 17\) should be (".*"), got (".*")$/,
      (want, got) => `第 9–17 位不是有效的 GB 11714 组织机构代码：其校验码（第 17 位）应为 ${want}，实际为 ${got}`,
    ],
    [/^check character \(position 18\) should be (".*"), got (".*")$/, (want, got) => `校验码（第 18 位）应为 ${want}，实际为 ${got}`],
    [/^already registered: one profile per 统一社会信用代码$/, () => '已登记：每个统一社会信用代码只能登记一个主体'],
    // domain/registers.ts: a register file, and its rows' errors (GET /v1/imports/{id})
    [/^the same USCC is already on row (\d+)$/, (n) => `同一统一社会信用代码已出现在第 ${n} 行`],
    [/^has (\d+) cells; the header has (\d+) \(a "," inside a cell needs quotes\)$/, (n, m) => `本行有 ${n} 个单元格，表头有 ${m} 个（单元格内的 "," 须加引号）`],
    [/^is required$/, () => '必填'],
    [/^must be at most (\d+) characters$/, (n) => `最多 ${n} 个字符`],
    [/^is not a known value: did you mean (.+)\?$/, (s) => `不是已知的取值：${didYouMean(s)}`],
    [/^must be one of ([^:].*)$/, (values) => `须为以下之一：${values}`],
    [/^must list at least one item, separated by ";"$/, () => '须至少列出一项，以 ";" 分隔'],
    [/^must not repeat an item$/, () => '不得重复列出同一项'],
    [/^(".*") is not a province code: did you mean (.+)\?$/, (item, s) => `${item} 不是省级行政区代码：${didYouMean(s)}`],
    [/^(".*") is not a province code, e\.g\. "(.+)" \(GET \/v1\/regions lists them\)$/, (item, s) => `${item} 不是省级行政区代码，例如 "${s}"（GET /v1/regions 列出全部）`],
    [/^(".*") is not a canonical BCP 47 language tag, e\.g\. (.+)$/, (item, s) => `${item} 不是规范的 BCP 47 语言标签，例如 ${s}`],
    [/^must be a date, YYYY-MM-DD$/, () => '须为日期，格式 YYYY-MM-DD'],
    [/^must be an e-mail address$/, () => '须为电子邮件地址'],
    [/^must be an account id \(sub\) without spaces$/, () => '须为不含空格的账号 id（sub）'],
    [/^the file is not valid UTF-8: save it as "CSV UTF-8" \(a spreadsheet saving as GBK\/ANSI produces this\)$/, () => '文件不是有效的 UTF-8：请另存为 "CSV UTF-8"（表格软件另存为 GBK/ANSI 时会出现此问题）'],
    [/^the file is empty: row 1 must be the header (".*")$/, (h) => `文件为空：第 1 行须为表头 ${h}`],
    [/^the file is not valid CSV \(near row (\d+)\): (.+)$/, (n, why) => `文件不是有效的 CSV（第 ${n} 行附近）：${why}`],
    [/^row 1 must be the header (".*") \((.+)\)$/, (h, why) => `第 1 行须为表头 ${h}（${headerProblem(why)}）`],
    // functions/usecases: limits and dates
    [/^must not be in the past$/, () => '不得早于当前时间'],
    [/^at most (\d+) open needs per SME$/, (n) => `每家企业最多 ${n} 条未结需求`],
    [/^at most (\d+) open needs per SME in one service type \((.+)\)$/, (n, t) => `每家企业在同一服务类型（${t}）下最多 ${n} 条未结需求`],
    [/^at most (\d+) providers per owner$/, (n) => `每个账号最多 ${n} 个服务机构`],
    [/^at most (\d+) offerings per provider$/, (n) => `每个服务机构最多 ${n} 项服务`],
    [/^at most 1 running import per operator; (.+) is RUNNING$/, (id) => `每位运营人员同时只能运行 1 个导入；${id} 正在运行`],
    // functions/http/api.ts and the cursor: the request itself
    [/^at most (\d+) bytes once JSON-escaped in the Lambda event$/, (n) => `经 JSON 转义后最多 ${n} 字节`],
    [/^must be (\S+) \(charset utf-8, if given\)$/, (t) => `须为 ${t}（如注明字符集，须为 utf-8）`],
    [/^must be application\/json$/, () => '须为 application/json'],
    [/^charset (.+) is not accepted; use utf-8$/, (c) => `不接受字符集 ${c}；请使用 utf-8`],
    [/^invalid UTF-8$/, () => '不是有效的 UTF-8'],
    [/^malformed JSON$/, () => 'JSON 格式错误'],
    [/^not well-formed Unicode \(lone surrogate\)$/, () => 'Unicode 格式错误（孤立代理项）'],
    [/^must be empty$/, () => '须为空'],
    [/^not a cursor this list issued$/, () => '不是本列表签发的游标'],
    // 409s: a command the record's state or its parties' standing refuses (domain/lifecycle.ts, credentials.ts, vouchers.ts, use cases)
    [/^cannot (\w+) a need that is (\w+)$/, (cmd, st) => `无法${verb(cmd)}：该需求当前${NEED_STATUS[st] ? `为“${NEED_STATUS[st]}”` : `为 ${st}`}（${st}）`],
    [/^cannot (\w+) a match that is (\w+)$/, (cmd, st) => `无法${verb(cmd)}：该匹配当前${MATCH_STATUS[st] ? `为“${MATCH_STATUS[st]}”` : `为 ${st}`}（${st}）`],
    [/^the (\w+) cannot (\w+) a match \(only the (.+) can\)$/, (by, cmd, who) => `${actor(by)}不能${verb(cmd)}匹配（只有${who.split(' or the ').map(actor).join('或')}可以）`],
    [/^the (\w+) has already accepted this match$/, (by) => `${actor(by)}已接受过该匹配`],
    [/^cannot (\w+) this match: (.+), so the match is cancelled$/, (cmd, fault) => `无法${verb(cmd)}：${translate(fault) ?? fault}，该匹配已取消`],
    [/^cannot (approve|reject) a provider that is (\w+)$/, (cmd, st) => `无法${verb(cmd)}：该服务机构当前${PROVIDER_STATUS[st] ? `为“${PROVIDER_STATUS[st]}”` : `为 ${st}`}（${st}）`],
    [
      /^a (\S+) needs a valid (\S+) certification to be approved \(none on file is valid on (\S+)\)$/,
      (kind, cert, day) => `${kind} 须持有有效的 ${cert} 证书方可获批（已登记的证书在 ${day} 均无效）`,
    ],
    [/^feedback was already given for this match$/, () => '该匹配已评价过'],
    [/^feedback is given after completion; the match is (\w+)$/, (st) => `服务完成后方可评价；该匹配当前为“${MATCH_STATUS[st] ?? st}”（${st}）`],
    [/^this SME is suspended by an operator and cannot post needs \((.*)\)$/, (why) => `该企业已被运营人员暂停，不能发布需求（${why}）`],
    [/^the SME is already suspended \(since (.+)\)$/, (at) => `该企业已被暂停（自 ${at} 起）`],
    [/^the SME is not suspended$/, () => '该企业未被暂停'],
    [/^provider (\S+) is already suspended$/, (id) => `服务机构 ${id} 已被暂停`],
    [/^provider (\S+) is not suspended$/, (id) => `服务机构 ${id} 未被暂停`],
    [/^the programme has ended$/, () => '该服务券项目已结束'],
    [/^the programme budget is exhausted$/, () => '该服务券项目的预算已用完'],
    [/^the SME already holds an unexpired voucher of this programme$/, () => '该企业已持有本项目未过期的服务券'],
    [/^a voucher of this programme is being issued to the SME; retry shortly$/, () => '正在向该企业发放本项目的服务券，请稍后重试'],
    [/^the SME is not eligible: (.+)$/, (why) => `该企业不符合条件：${translate(why) ?? why}`],
    [/^the programme does not cover (\S+)$/, (p) => `该项目不覆盖 ${p}`],
    [/^the programme is for verified tiers (.+)$/, (t) => `该项目仅面向已核实的梯度类别 ${t}`],
    [/^the programme is for verified size classes (.+)$/, (c) => `该项目仅面向已核实的企业规模 ${c}`],
    [/^the voucher is attached to another open need$/, () => '该服务券已用于另一条未结需求'],
    [/^the voucher belongs to another SME$/, () => '该服务券属于其他企业'],
    [/^the voucher has expired$/, () => '该服务券已过期'],
    [/^the voucher does not cover (\S+)$/, (x) => `该服务券不适用于 ${x}`],
    [/^a profile with USCC (\S+) is already registered on the platform$/, (u) => `统一社会信用代码 ${u} 已在平台登记`],
    [
      /^this Idempotency-Key was already used for another request on this path \(same caller, same path, another body\); use a new key for a new request$/,
      () => '此 Idempotency-Key 已用于本路径的另一个请求（同一调用方、同一路径、不同请求体）；新请求请使用新的 key',
    ],
    // 413 and 429 headlines
    [/^a register file may be at most (\d+) bytes \(5 MiB\)$/, (n) => `名录文件最大 ${n} 字节（5 MiB）`],
    [/^the body exceeds (\d+) bytes$/, (n) => `请求体超过 ${n} 字节`],
    [/^quota exceeded: (.+)$/, (m) => `已达上限：${translate(m) ?? m}`],
    [/^an import of yours is still running: wait for it to finish$/, () => '您的另一个导入仍在运行，请等待其完成'],
    // Headlines of 400s
    [/^the request (body|query|path|header) is invalid$/, (part) => `${PART[part]}无效`],
    [/^the (\S+) header is invalid$/, (h) => `请求头 ${h} 无效`],
    [/^the body is empty$/, () => '请求体为空'],
    [/^the body must be JSON$/, () => '请求体须为 JSON'],
    [/^the body must be JSON in UTF-8$/, () => '请求体须为 UTF-8 编码的 JSON'],
    [/^the body is not valid UTF-8$/, () => '请求体不是有效的 UTF-8'],
    [/^the body is not valid JSON$/, () => '请求体不是有效的 JSON'],
    [/^the body holds a lone surrogate$/, () => '请求体含有孤立代理项'],
    [/^this endpoint takes no body$/, () => '此接口不接受请求体'],
    [/^cursor is invalid for this list$/, () => '游标不适用于此列表'],
  ]);
}

/** The Chinese of one English message, or undefined when no rule knows it. */
export function translate(message: string): string | undefined {
  // A match's faults (the SME or provider out of standing) are reasons the platform also writes on the match.
  const reason = systemReasonInChinese(message);
  if (reason !== undefined) return reason;
  for (const [pattern, render] of table()) {
    const m = pattern.exec(message);
    if (m) return render(...m.slice(1).map((g) => g ?? ''));
  }
  return undefined;
}

/**
 * The language errors are answered in: Chinese only when the caller's
 * Accept-Language names it first. A wildcard does not count: Node's fetch
 * and other HTTP clients send `*` unasked, and a program reads the
 * contract's English.
 */
export function errorLanguage(acceptLanguage: string | undefined): 'zh' | 'en' {
  if (!acceptLanguage) return 'en';
  const named = acceptLanguage
    .split(',')
    .filter((part) => part.split(';', 1)[0]!.trim() !== '*')
    .join(',');
  return acceptedLanguages(named)[0] === 'zh' ? 'zh' : 'en';
}

/** A register import's row errors (stored in English), for a caller who reads Chinese. */
export function rowErrorsInChinese<E extends { message: string }>(errors: E[]): E[] {
  return errors.map((e) => ({ ...e, message: translate(e.message) ?? e.message }));
}

export function inChinese(error: { message: string; details: ErrorDetail[] }): { message: string; details: ErrorDetail[] } {
  return {
    message: translate(error.message) ?? error.message,
    details: error.details.map((d) => ({ path: d.path, message: translate(d.message) ?? d.message })),
  };
}
