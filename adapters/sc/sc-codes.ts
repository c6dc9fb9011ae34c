// 天府通办 answers business outcomes in the envelope's `code` (a string; "0" is success), with HTTP
// 200 for business refusals and 401 for signature failures at its API gateway. What each code
// means for delivery: `permanent` fails the job at once (bad data, bad credentials), `transient`
// retries (busy, a clock or nonce problem a fresh signature fixes), `duplicate` is a success.
export type ScOutcome = 'success' | 'duplicate' | 'permanent' | 'transient';

export const SC_CODES: Record<string, { outcome: ScOutcome; message: string }> = {
  '0': { outcome: 'success', message: '成功' },
  '10001': { outcome: 'permanent', message: '签名校验失败' },
  // A call that waited too long in our queue is re-signed with a fresh timestamp on retry.
  '10002': { outcome: 'transient', message: '时间戳超出有效期' },
  '10003': { outcome: 'permanent', message: '应用未授权' },
  // Nonce clash: a retry draws a new nonce.
  '10004': { outcome: 'transient', message: '请求重复(nonce)' },
  '20001': { outcome: 'permanent', message: '参数校验失败' },
  '20002': { outcome: 'permanent', message: '事项不存在或未开通跨省通办' },
  '20003': { outcome: 'permanent', message: '办理地点不在本平台受理范围' },
  // The platform dedupes on yewuliushuihao and answers the original 受理编号 with this code.
  '20009': { outcome: 'duplicate', message: '重复申报' },
  // 办件过程查询: no case under this 业务流水号.
  '20010': { outcome: 'permanent', message: '办件不存在' },
  '50001': { outcome: 'transient', message: '系统繁忙，请稍后重试' },
  '50002': { outcome: 'transient', message: '业务系统响应超时' },
};

/**
 * Unknown codes are permanent: the case lands in DELIVERY_FAILED where an operator sees the code
 * and can replay it, instead of hammering the platform with a call it does not understand.
 */
export function scOutcome(code: string): ScOutcome {
  return SC_CODES[code]?.outcome ?? 'permanent';
}
