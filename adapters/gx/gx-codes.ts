// 广西 智桂通 answers JSON { code, msg, sub_code?, sub_msg?, data? } with HTTP 200 for every
// business outcome (open-platform style): `code` is the category, `sub_code` the reason. The one
// refusal that means success is 40004/BIZ_NO_DUPLICATE: biz_no (our case id) was already received,
// and data.accept_no is the original 受理编号.

export type GxOutcome = 'success' | 'duplicate' | 'transient' | 'permanent';

export interface GxAnswer {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
}

export const GX_CODES = {
  success: { code: '10000', msg: 'Success' },
  busy: { code: '20000', msg: '服务不可用', sub_code: 'isp.system-busy', sub_msg: '系统繁忙' },
  badAppId: {
    code: '20001',
    msg: '授权权限不足',
    sub_code: 'isv.invalid-app-id',
    sub_msg: '无效的应用',
  },
  badSign: {
    code: '20001',
    msg: '授权权限不足',
    sub_code: 'isv.invalid-signature',
    sub_msg: '签名无效',
  },
  badTimestamp: {
    code: '20001',
    msg: '授权权限不足',
    sub_code: 'isv.invalid-timestamp',
    sub_msg: '时间戳无效',
  },
  nonceRepeated: {
    code: '20001',
    msg: '授权权限不足',
    sub_code: 'isv.nonce-repeated',
    sub_msg: '随机数重复',
  },
  missingParam: {
    code: '40001',
    msg: '缺少必选参数',
    sub_code: 'isv.missing-param',
    sub_msg: '缺少必选参数',
  },
  invalidParam: {
    code: '40002',
    msg: '非法的参数',
    sub_code: 'isv.invalid-param',
    sub_msg: '参数格式不正确',
  },
  duplicate: {
    code: '40004',
    msg: '业务处理失败',
    sub_code: 'BIZ_NO_DUPLICATE',
    sub_msg: '业务编号重复',
  },
  unknownCase: {
    code: '40004',
    msg: '业务处理失败',
    sub_code: 'CASE_NOT_EXIST',
    sub_msg: '办件不存在',
  },
} as const satisfies Record<string, GxAnswer>;

/** `code` is '' for an answer without a string code (`{}`, `null`, a number). */
export function gxOutcome(code: string, subCode: string | undefined): GxOutcome {
  if (code === '10000') return 'success';
  // An answer without a code is not a refusal but one we cannot read (a proxy's `{}`, a
  // half-deployed platform): retried, as every other adapter retries an unreadable answer, not a
  // case failed for good.
  if (code === '') return 'transient';
  if (code === '40004' && subCode === 'BIZ_NO_DUPLICATE') return 'duplicate';
  // 20000 is the platform itself failing; a repeated nonce cannot recur on a fresh attempt.
  if (code === '20000' || subCode === 'isv.nonce-repeated') return 'transient';
  return 'permanent';
}
