// The 天府通办 跨省通办 intake body: pinyin field names, as the platform's open API defines them.
// yewuliushuihao (业务流水号) carries the gateway case id; the platform keeps it unique, which
// is what makes a retried delivery a duplicate instead of a second case.
import type { DeliveryRequest } from '../kit/contract.ts';

export const SC_SUBMIT_PATH = '/tfwb/open/api/kstb/v1/shenqing';

/** 办理方式 codes of the platform: 全程网办, 异地代收代办, 多地联办 (schemas/README.md#modes). */
export const SC_BANLI_FANGSHI = { online: '1', proxy: '2', joint: '3' } as const;
/** 办理层级. */
export const SC_CENGJI = { province: 'sheng', prefecture: 'shi', county: 'xian' } as const;
/** 证件类型 of the platform's code table: 居民身份证 111, 统一社会信用代码 001. */
export const SC_ZHENGJIAN = { person: '111', enterprise: '001' } as const;

export interface ScShenqing {
  yewuliushuihao: string;
  shixiangbianma: string;
  shixiangmingcheng: string;
  shixiangbanben: number;
  banlifangshi: string;
  shoulididian: string;
  banlididian: string;
  banlicengji: string;
  lianbanjiaose?: string;
  shenqingren: {
    leixing: 'geren' | 'qiye';
    mingcheng: string;
    zhengjianleixing: string;
    zhengjianhaoma: string;
    lianxidianhua?: string;
  };
  yewushuju: Record<string, unknown>;
  cailiao: {
    mingcheng: string;
    wenjianleixing: string;
    daxiao: number;
    zhaiyao: string;
    zhaiyaosuanfa: 'SHA256' | 'SM3';
    dizhi: string;
  }[];
  youji?: { kuaidigongsi: string; yundanhao: string };
  tijiaoshijian: string;
}

export function toShenqing(request: DeliveryRequest): ScShenqing {
  const { applicant } = request;
  return {
    yewuliushuihao: request.caseId,
    shixiangbianma: request.itemCode,
    shixiangmingcheng: request.itemName,
    shixiangbanben: request.itemVersion,
    banlifangshi: SC_BANLI_FANGSHI[request.mode],
    shoulididian: request.receivingRegion,
    banlididian: request.targetRegion,
    banlicengji: SC_CENGJI[request.level],
    ...(request.role === undefined ? {} : { lianbanjiaose: request.role }),
    shenqingren: {
      leixing: applicant.type === 'person' ? 'geren' : 'qiye',
      mingcheng: applicant.name,
      zhengjianleixing: SC_ZHENGJIAN[applicant.type],
      zhengjianhaoma:
        (applicant.type === 'person' ? applicant.idNumber : applicant.creditCode) ?? '',
      ...(applicant.phone === undefined ? {} : { lianxidianhua: applicant.phone }),
    },
    yewushuju: request.payload,
    cailiao: request.materials.map((m) => ({
      mingcheng: m.name,
      wenjianleixing: m.mediaType,
      daxiao: m.size,
      zhaiyao: m.sha256 ?? m.sm3 ?? '',
      zhaiyaosuanfa: m.sha256 === undefined ? ('SM3' as const) : ('SHA256' as const),
      dizhi: m.uri,
    })),
    ...(request.postal === undefined
      ? {}
      : { youji: { kuaidigongsi: request.postal.carrier, yundanhao: request.postal.waybillNo } }),
    tijiaoshijian: request.submittedAt,
  };
}
