// The 云南 一部手机办事通 exchange package (交换报文): one XML document per call,
//   <PACKAGE><PACKAGEHEAD>SENDCODE RECEIVECODE SENDTIME BUSINESSID [RETCODE RETMSG]</PACKAGEHEAD>
//            <DATA><RECORD>…fields…</RECORD></DATA></PACKAGE>
// Field names are the platform's pinyin initials (SXBM 事项编码, SLBH 受理编号, …). Values are text
// nodes: fast-xml-parser escapes & < > on build and decodes them on parse, and every value is read
// back as a string (parseTagValue off) so codes such as 530323 or 0012 keep their leading zeros.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { DeliveryRequest } from '../kit/contract.ts';

export interface YnHead {
  SENDCODE: string;
  RECEIVECODE: string;
  SENDTIME: string;
  BUSINESSID: string;
  RETCODE?: string;
  RETMSG?: string;
}

export type YnRecord = Record<string, unknown>;

export interface YnPackage {
  head: YnHead;
  record: YnRecord;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const builder = new XMLBuilder({ format: false, suppressEmptyNode: false });
// CL (one material) and HJ (one step of the 办件过程) are always lists, even with one element.
const parser = new XMLParser({
  parseTagValue: false,
  ignoreDeclaration: true,
  isArray: (name) => name === 'CL' || name === 'HJ',
});

/** The platform's timestamp: yyyyMMddHHmmss in Beijing time (UTC+8), whatever the host zone. */
export function ynTime(at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}

function withoutUndefined(record: YnRecord): YnRecord {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

export function buildPackage(pkg: YnPackage): string {
  const head = withoutUndefined({ ...pkg.head });
  const doc = { PACKAGE: { PACKAGEHEAD: head, DATA: { RECORD: withoutUndefined(pkg.record) } } };
  return DECLARATION + builder.build(doc);
}

/** Parses a package; throws on anything that is not PACKAGE/PACKAGEHEAD. */
export function parsePackage(xml: string): YnPackage {
  const doc = parser.parse(xml, true) as { PACKAGE?: { PACKAGEHEAD?: unknown; DATA?: unknown } };
  const root = doc.PACKAGE;
  if (!root || typeof root.PACKAGEHEAD !== 'object' || root.PACKAGEHEAD === null) {
    throw new Error('not a PACKAGE document');
  }
  const data = root.DATA as { RECORD?: unknown } | undefined;
  const record = typeof data?.RECORD === 'object' && data.RECORD !== null ? data.RECORD : {};
  return { head: root.PACKAGEHEAD as YnHead, record: record as YnRecord };
}

// 办理方式: 1 全程网办, 2 代收代办, 3 多地联办.
const MODE_CODES = { online: '1', proxy: '2', joint: '3' } as const;

/** DeliveryRequest → RECORD. Nested business data (YWSJ) travels as a JSON string. */
export function caseRecord(request: DeliveryRequest): YnRecord {
  const { applicant } = request;
  return {
    SXBM: request.itemCode,
    SXMC: request.itemName,
    SXBB: String(request.itemVersion),
    BLFS: MODE_CODES[request.mode],
    SLQH: request.receivingRegion,
    BLQH: request.targetRegion,
    BLCJ: request.level,
    LBJS: request.role,
    // 申请人类型: 1 自然人, 2 法人; 证件类型 SFZ 居民身份证, TYXYDM 统一社会信用代码.
    SQRLX: applicant.type === 'person' ? '1' : '2',
    SQRMC: applicant.name,
    ZJLX: applicant.type === 'person' ? 'SFZ' : 'TYXYDM',
    ZJHM: applicant.type === 'person' ? applicant.idNumber : applicant.creditCode,
    LXDH: applicant.phone,
    SQSJ: ynTime(new Date(request.submittedAt)),
    YWSJ: JSON.stringify(request.payload),
    CLXX: {
      CL: request.materials.map((m) => ({
        CLMC: m.name,
        WJLX: m.mediaType,
        WJDX: String(m.size),
        ZYSF: m.sm3 ? 'SM3' : 'SHA256',
        ZYZ: m.sm3 ?? m.sha256,
        CLDZ: m.uri,
      })),
    },
    YJXX: request.postal
      ? { KDGS: request.postal.carrier, YDH: request.postal.waybillNo }
      : undefined,
  };
}
