// The `date-time` format of every schema the gateway compiles (create-ajv.ts): RFC 3339 as
// ajv-formats checks it, and an instant JavaScript can hold. ajv-formats accepts a leap second
// (`23:59:60Z`), which Date cannot represent: a province event at one was stored, and the case
// could then never be resumed — counting its pause read the stored time back as an invalid Date
// and every `resumed` answered 500 (gateway/README.md#province-events).
import type { FormatDefinition } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';

// ajv-formats' full date-time is a function (a regular expression cannot check the day of month).
const rfc3339 = fullFormats['date-time'] as { validate: (text: string) => boolean };

export const DATE_TIME_FORMAT: FormatDefinition<string> = {
  type: 'string',
  validate: (text: string) => rfc3339.validate(text) && !Number.isNaN(Date.parse(text)),
};
