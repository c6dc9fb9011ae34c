// taxpayer-is-applicant: the 纳税人识别号 in the payload is the applicant's own — an enterprise's
// credit code, or a person's ID number (a natural person) or ID number + 2 digits (a 个体工商户
// without a credit code). Who pays or asks for a certificate is the taxpayer; an agent is the
// applicant's contact, not the applicant.
import { defineRule, field, partner } from './cross-field-rule.ts';

export const taxpayerIsApplicant = defineRule({
  name: 'taxpayer-is-applicant',
  summary: "the taxpayer id is the applicant's credit code, ID number, or ID number + 2 digits",
  explain: (l) =>
    `${field(l.taxpayerId)} is the applicant's credit code, ID number or ID number + 2 digits`,
  params: {
    taxpayerId: { kind: 'taxpayerId' },
    creditCode: { kind: 'string', optional: true, default: '/applicant/creditCode' },
    idNumber: { kind: 'string', optional: true, default: '/applicant/idNumber' },
  },
  check(values) {
    const taxpayer = partner(values.taxpayerId);
    if (!taxpayer) return [];
    const creditCode = partner(values.creditCode)?.value;
    const idNumber = partner(values.idNumber)?.value;
    const id = taxpayer.value;
    if (creditCode !== undefined && id === creditCode) return [];
    if (
      idNumber !== undefined &&
      (id === idNumber || (id.length === 20 && id.startsWith(idNumber)))
    )
      return [];
    return [
      {
        path: taxpayer.path,
        message: creditCode
          ? `must be the applicant's credit code ${creditCode}`
          : "must be the applicant's ID number, or (for a 个体工商户 without a credit code) the ID number + 2 digits",
        messageZh: creditCode
          ? `纳税人识别号应为申请人的统一社会信用代码 ${creditCode}`
          : '纳税人识别号应为申请人的身份证号码(无统一社会信用代码的个体工商户为身份证号码加2位数字)',
      },
    ];
  },
});
