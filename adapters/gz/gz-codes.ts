// 贵州 platform answer codes (the `code` of every signed answer). The platform also sets the HTTP
// status to match, so a front proxy that strips the body still classifies the same way.

export type GzOutcome = 'success' | 'transient' | 'permanent';

export interface GzCode {
  outcome: GzOutcome;
  httpStatus: number;
  msg: string;
}

export const GZ_CODES: Readonly<Record<string, GzCode>> = {
  '0': { outcome: 'success', httpStatus: 200, msg: '成功' },
  '10001': { outcome: 'transient', httpStatus: 503, msg: '系统繁忙' },
  '10002': { outcome: 'transient', httpStatus: 429, msg: '请求过于频繁' },
  '20001': { outcome: 'permanent', httpStatus: 401, msg: '应用标识不存在' },
  '20002': { outcome: 'permanent', httpStatus: 401, msg: '签名验证失败' },
  '20003': { outcome: 'permanent', httpStatus: 400, msg: '报文解密失败' },
  '20004': { outcome: 'permanent', httpStatus: 401, msg: '时间戳超出允许范围' },
  // A replayed nonce cannot come from a fresh attempt: the retry carries a new nonce.
  '20005': { outcome: 'transient', httpStatus: 401, msg: '随机数重复' },
  '20006': { outcome: 'permanent', httpStatus: 400, msg: '报文格式错误' },
  '30001': { outcome: 'permanent', httpStatus: 422, msg: '业务数据校验不通过' },
  '30002': { outcome: 'permanent', httpStatus: 422, msg: '事项未开通' },
  // 办件进度查询: no case under this ywlsh.
  '30003': { outcome: 'permanent', httpStatus: 404, msg: '办件不存在' },
};

/** Unknown codes: refuse (the operator sees the code and can replay). */
export function gzOutcome(code: string): GzOutcome {
  return GZ_CODES[code]?.outcome ?? 'permanent';
}
