// 云南 一部手机办事通 answers every business outcome in PACKAGEHEAD/RETCODE: 0 is success, negative
// codes are refusals. The table below is the one place that decides what each code means to us:
// retry (the platform is busy), give up (our data or registration is wrong), or treat as success
// (-103: the BUSINESSID — our case id — was already received, so the original SLBH comes back).

export type YnOutcome = 'success' | 'transient' | 'permanent' | 'duplicate';

export interface YnCode {
  outcome: YnOutcome;
  /** The platform's own message text (RETMSG), as the sandbox sends it. */
  message: string;
}

export const YN_RETCODES: Readonly<Record<string, YnCode>> = {
  '0': { outcome: 'success', message: '接收成功' },
  '-1': { outcome: 'transient', message: '系统繁忙，请稍后重试' },
  '-2': { outcome: 'transient', message: '处理超时' },
  '-101': { outcome: 'permanent', message: '注册码无效' },
  '-102': { outcome: 'permanent', message: '字段校验不通过' },
  '-103': { outcome: 'duplicate', message: '业务编号重复，已返回原受理编号' },
  '-104': { outcome: 'permanent', message: '报文格式错误' },
  '-105': { outcome: 'permanent', message: '事项未在本平台开通' },
  // 办件过程查询: no case under this BUSINESSID.
  '-106': { outcome: 'permanent', message: '业务编号不存在' },
};

/**
 * An unknown negative code is treated as a refusal: retrying a business error we cannot read
 * only delays the operator, who sees DELIVERY_FAILED with the code and can replay.
 */
export function ynOutcome(retCode: string): YnOutcome {
  return YN_RETCODES[retCode]?.outcome ?? 'permanent';
}
