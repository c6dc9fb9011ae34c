// A refused field's message in the taxpayer's words (README.md#the-taxpayer-portal). The gateway's
// messageZh for a schema's `required` and `pattern` is ajv's, written for a portal's developer — 应当有
// 必需属性 crossRegionReportNo, 应当匹配模式 "^[0-9A-Za-z]{6,32}$" — and the form showed it beside the
// field as it came, property name and regular expression included. Here those two become 请填写<field>
// and <field>格式不正确 with what the pattern asks in words where it is one of the shapes the
// catalogue uses; every other message (the identifier checks', the cross-field rules') is already
// written for the taxpayer and passes unchanged.
const REQUIRED = /^应当有必需属性/;
const PATTERN = /^应当匹配模式 "(.*)"$/;

/** What a pattern asks, in words, for the shapes the catalogue's schemas use; else ''. */
function patternInWords(pattern) {
  const digits = /^\^\[0-9\]\{(\d+)(?:,(\d+))?\}\$$/.exec(pattern);
  if (digits) return digits[2] ? `${digits[1]}–${digits[2]} 位数字` : `${digits[1]} 位数字`;
  const alnum = /^\^\[0-9A-Za-z\]\{(\d+),(\d+)\}\$$/.exec(pattern);
  if (alnum) return `${alnum[1]}–${alnum[2]} 位字母或数字`;
  if (pattern.includes('\\.[0-9]{2}')) return '以元为单位、保留两位小数的金额，如 38400.00';
  return '';
}

/** The message shown beside a field titled `title` for the gateway's `problem`. */
export function fieldMessage(problem, title) {
  const text = problem.messageZh ?? '';
  if (!title) return text;
  if (REQUIRED.test(text)) return `请填写${title}`;
  const pattern = PATTERN.exec(text);
  if (pattern) {
    const words = patternInWords(pattern[1]);
    const gap = /^\d/.test(words) ? ' ' : '';
    return words ? `${title}格式不正确，应为${gap}${words}` : `${title}格式不正确，请核对`;
  }
  return text;
}
