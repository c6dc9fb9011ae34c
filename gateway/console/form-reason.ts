// A reason typed in a console form, judged as the JSON API judges any string. Apart from forms.ts
// because its refusal is a ConsoleError page, whose layout itself builds forms.
import { refusedText } from '../http/json-scan.ts';
import { ConsoleError } from './console-error.ts';
import { formText } from './forms.ts';

/**
 * A reason typed in a console form (an unmask's, a draft's rejection), refused 400 when it holds a
 * character the JSON API refuses in any string (http/json-scan.ts: bidirectional controls, line
 * separators, C0/C1 controls, a byte order mark, unpaired surrogates). The API's bodies are
 * scanned on arrival and a form's are not, so a right-to-left override typed here reached the
 * audit chain, which every reader of `audit list` sees reversed.
 */
export function formReason(body: unknown, name: string, maxLength = 500): string {
  // The whole text is judged, not the part kept: a cut can split a character's surrogate pair.
  const [problem] = refusedText(formText(body, name, Infinity), `/${name}`, 1);
  if (problem) {
    throw new ConsoleError(
      400,
      `理由${problem.messageZh}，请删去后再提交`,
      `The reason ${problem.message.replace(/^the text /, '')}: remove it and send again`,
    );
  }
  return formText(body, name, maxLength);
}
