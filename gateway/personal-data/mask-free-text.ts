// Free text (an evaluation comment, a clerk's note on a rectification) has no schema location to
// mask by (gateway/README.md#reads-and-masking): what looks like a personal number inside it is
// masked instead, with the kinds' own masks — 18-character ID numbers, mainland mobile numbers,
// and any other run of 12 or more digits (bank cards, accounts). Names in prose cannot be told
// apart and stay; statistics never carry free text at all.
import { maskAccount, maskIdNumber, maskPhone } from './masks.ts';

const ID_IN_TEXT = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;
const PHONE_IN_TEXT = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;
const LONG_NUMBER_IN_TEXT = /(?<![0-9])[0-9]{12,}(?![0-9])/g;

export function maskFreeText(text: string): string {
  return text
    .replace(ID_IN_TEXT, maskIdNumber)
    .replace(PHONE_IN_TEXT, maskPhone)
    .replace(LONG_NUMBER_IN_TEXT, maskAccount);
}
