// A refused field's message in the taxpayer's words (README.md#the-taxpayer-portal). The gateway's
// messageZh for a schema's `required` and `maxLength` is ajv's, written for a portal's developer —
// 应当有必需属性 crossRegionReportNo, 不应多于 100 个字符 — and the form showed it beside the field as
// it came, property name included. Here those become 请填写<field> and <field>最多 N 个字符，请删减后再
// 提交. A `pattern` or `format` refusal says what the rule asks in words and then quotes the rule
// (应为 6 至 32 位数字；应当匹配模式 "^[0-9]{6,32}$", README.md#bad-input-and-limits); it becomes
// <field>格式不正确，应为<what>, in this page's own words where the pattern is one of the shapes it
// knows, else in the gateway's, the quoted rule left out. Every other message (the identifier
// checks', the cross-field rules') is already written for the taxpayer and passes unchanged.
const REQUIRED = /^应当有必需属性/;
// Not anchored at the start: the gateway's words come first (应为…；应当匹配模式 "…").
const PATTERN = /应当匹配模式 "(.*)"$/;
const FORMAT = /应当匹配格式 "(.*)"$/;
/** The gateway's own words for a pattern or format: 应为<what>；应当匹配… */
const GATEWAY_WORDS = /^应为 ?(.*?)；应当匹配(?:模式|格式) "/;
const MAX_LENGTH = /^不应多于 (\d+) 个字符$/;

/** What a pattern asks, in words, for the shapes the catalogue's schemas use; else ''. */
function patternInWords(pattern) {
  const digits = /^\^\[0-9\]\{(\d+)(?:,(\d+))?\}\$$/.exec(pattern);
  if (digits) return digits[2] ? `${digits[1]}–${digits[2]} 位数字` : `${digits[1]} 位数字`;
  const alnum = /^\^\[0-9A-Za-z\]\{(\d+),(\d+)\}\$$/.exec(pattern);
  if (alnum) return `${alnum[1]}–${alnum[2]} 位字母或数字`;
  if (pattern.includes('\\.[0-9]{2}')) return '以元为单位、保留两位小数的金额，如 38400.00';
  return '';
}

/**
 * A zero amount of the right form (0.00, 0) refused by a pattern that rules zero out
 * (`(?!0\.00$)`, SW-005's amounts): its form is right, only its size is not, so 格式不正确 with the
 * form it already has sent the taxpayer looking for a wrong character.
 */
const ZERO_AMOUNT = /^0+(\.0*)?$/;
const rulesOutZero = (pattern) => pattern.includes('(?!0\\.00$)');

/** The message shown beside a field titled `title`, holding `value`, for the gateway's `problem`. */
export function fieldMessage(problem, title, value = '') {
  const text = problem.messageZh ?? '';
  if (!title) return text;
  if (REQUIRED.test(text)) return `请填写${title}`;
  const max = MAX_LENGTH.exec(text);
  if (max) return `${title}最多 ${max[1]} 个字符，请删减后再提交`;
  const pattern = PATTERN.exec(text);
  if (pattern && rulesOutZero(pattern[1]) && ZERO_AMOUNT.test(value.trim()))
    return `${title}应大于 0`;
  if (pattern || FORMAT.test(text)) {
    const words = (pattern && patternInWords(pattern[1])) || (GATEWAY_WORDS.exec(text)?.[1] ?? '');
    const gap = /^\d/.test(words) ? ' ' : '';
    return words ? `${title}格式不正确，应为${gap}${words}` : `${title}格式不正确，请核对`;
  }
  return text;
}
