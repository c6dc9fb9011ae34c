// Components for the API's answers (gateway/README.md#api-contract), as opposed to the converted
// catalogue schemas and the request bodies (those come from the route table's contracts,
// route-paths.ts). Enums come from the code's single sources (error catalogue, statuses, catalogue
// metadata) so the document cannot drift from what the gateway answers. Response objects leave
// additionalProperties open: clients must tolerate fields added within v1.
import { DEPARTMENTS, LEVELS, MODES, SCOPES, SUBJECTS } from '../catalogue/catalogue-item.ts';
import { PHASES, STATUS_PHASE } from '../cases/case-status.ts';
import { FAILURE_KINDS } from '../cases/failure-kind.ts';
import { ERROR_CATALOGUE, LISTED_PROBLEMS } from '../shared/errors.ts';
import { FLAGS_SCHEMA } from './shared-components.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const DATE_TIME = { type: 'string', format: 'date-time' };

const errorCodes = Object.keys(ERROR_CATALOGUE);

const problemSchemas = {
  FieldProblem: {
    type: 'object',
    description: 'One problem, located by a JSON pointer into the body (or /query/<name>).',
    properties: {
      path: str('JSON pointer, e.g. /payload/lines/0/amount'),
      message: str(
        'In English. For a `pattern` or `format`: `must be <words> (pattern "<pattern>")`, what ' +
          'the field takes in words, then the rule quoted.',
      ),
      messageZh: str(
        'In Chinese. For a `pattern` or `format`: `应为<words>；应当匹配模式 "<pattern>"` ' +
          '(`应当匹配格式 "<format>"`), the words, then the rule quoted last as ajv-i18n writes it.',
      ),
      keyword: str('The failing schema keyword, when there is one.'),
    },
    required: ['path', 'message', 'messageZh'],
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details. `code` is stable; titles may be reworded.',
    properties: {
      type: { type: 'string', format: 'uri' },
      title: str(),
      status: { type: 'integer', minimum: 400, maximum: 599 },
      code: { type: 'string', enum: errorCodes },
      detail: str(
        'What is wrong and what to do; in every problem but a bare 500 `GW_INTERNAL` (the ' +
          'title again where there is nothing more to say).',
      ),
      requestId: str(),
      errors: {
        type: 'array',
        maxItems: LISTED_PROBLEMS,
        items: ref('FieldProblem'),
        description:
          `At most ${LISTED_PROBLEMS} problems, in the order found. A refusal that found more ` +
          `lists the first ${LISTED_PROBLEMS} and carries \`errorsTruncated\`; fix them and send ` +
          'again to be told the others.',
      },
      errorsTruncated: {
        type: 'boolean',
        const: true,
        description:
          `Only when \`errors\` was cut: more than ${LISTED_PROBLEMS} problems were found and ` +
          `\`errors\` holds the first ${LISTED_PROBLEMS}. The detail then ends with the same in ` +
          'English and Chinese. Absent when `errors` is the whole list.',
      },
      stringToSign: str(
        'Only in a 401 `GW_AUTH_BAD_SIGNATURE` whose signature was checked: the string-to-sign ' +
          'the gateway computed from the request (six lines joined by `\\n`: method, path, ' +
          'canonical query, timestamp, nonce, body digest), to compare with yours line by line. ' +
          'All lines equal: the secret differs. Never the secret or the expected signature.',
      ),
    },
    required: ['type', 'title', 'status', 'code', 'requestId'],
  },
};

// The 202 body of POST /v1/cases; GET /v1/cases/{caseId} returns these fields and more.
const CASE_ACCEPTED_PROPS = {
  caseId: str(),
  status: ref('CaseStatus'),
  phase: ref('Phase'),
  itemCode: str(),
  itemVersion: { type: 'integer', minimum: 1 },
  route: ref('CaseRoute'),
  dueAt: DATE_TIME,
  links: ref('Links'),
};

const caseSchemas = {
  CaseStatus: { type: 'string', enum: Object.keys(STATUS_PHASE) },
  Phase: {
    type: 'object',
    description: 'Step of the seven-step loop (发现…反馈) in English and Chinese.',
    properties: {
      key: { type: 'string', enum: Object.keys(PHASES) },
      zh: { type: 'string', enum: Object.values(PHASES) },
    },
    required: ['key', 'zh'],
  },
  RouteTarget: {
    type: 'object',
    properties: {
      adapter: str('Adapter id, e.g. sc, sc-chengdu, yn.'),
      targetRegion: str('The handling region lifted to the item level.'),
      level: { type: 'string', enum: LEVELS },
    },
    required: ['adapter', 'targetRegion', 'level'],
  },
  JointRoute: {
    type: 'object',
    description: 'A joint (多地联办) case: one child case per party, each routed on its own.',
    properties: {
      children: {
        type: 'array',
        items: {
          allOf: [ref('RouteTarget')],
          properties: {
            caseId: str(),
            role: str(),
            status: ref('CaseStatus'),
            phase: ref('Phase'),
            flags: { ...FLAGS_SCHEMA, description: "The party's own 督办 flags (case reads)." },
            dueAt: { ...DATE_TIME, description: "The party's own promised time (case reads)." },
          },
          required: ['caseId', 'role'],
        },
      },
    },
    required: ['children'],
  },
  CaseRoute: { oneOf: [ref('RouteTarget'), ref('JointRoute')] },
  Links: { type: 'object', properties: { self: str() }, required: ['self'] },
  CaseAccepted: {
    type: 'object',
    properties: CASE_ACCEPTED_PROPS,
    required: ['caseId', 'status', 'phase', 'itemCode', 'itemVersion', 'route', 'links'],
  },
  HistoryEntry: {
    type: 'object',
    properties: { at: DATE_TIME, status: ref('CaseStatus'), actor: str(), note: str() },
    required: ['at', 'status', 'actor'],
  },
  CaseView: {
    type: 'object',
    description: 'Personal fields are masked unless the reader is an operator with unmask.',
    properties: {
      ...CASE_ACCEPTED_PROPS,
      mode: { type: 'string', enum: MODES },
      receivingRegion: str(),
      parentId: str(),
      role: str(),
      provinceCaseNo: { type: ['string', 'null'] },
      dueAt: { type: ['string', 'null'], format: 'date-time' },
      flags: FLAGS_SCHEMA,
      calendarAssumed: {
        type: 'boolean',
        description: 'dueAt counted a year without a working-day calendar (Monday to Friday).',
      },
      evaluations: {
        type: 'array',
        description: '好差评 of this case, one per rated party; comments masked.',
        items: {
          type: 'object',
          properties: {
            evaluationId: str(),
            rated: { type: 'string', enum: ['handling', 'collecting'] },
            level: { type: 'integer', minimum: 1, maximum: 5 },
            source: { type: 'string', enum: ['applicant', 'default'] },
            indicators: { type: ['object', 'null'] },
            comment: { type: ['string', 'null'] },
            at: DATE_TIME,
            voided: { type: 'boolean' },
            rectificationId: { type: ['string', 'null'] },
          },
        },
      },
      result: {
        description:
          "The province's result, masked like the submission; typed by the item's result schema when it declares one.",
      },
      relatedCases: {
        type: 'array',
        description:
          'Cases linked by relatedCaseId (gateway/README.md#related-cases): the one this case resubmits, then those that resubmit it.',
        items: {
          type: 'object',
          properties: {
            caseId: str(),
            relation: { type: 'string', enum: ['resubmission-of', 'resubmitted-as'] },
          },
          required: ['caseId', 'relation'],
        },
      },
      createdAt: DATE_TIME,
      updatedAt: DATE_TIME,
      // Not ref('envelope'): a masked value (138****5678) keeps its length but fails the envelope's
      // patterns, so a client validating the read against the envelope would refuse every case.
      submission: {
        type: 'object',
        description:
          'The envelope as submitted (components.schemas.envelope), personal fields masked unless the reader is an operator with unmask; masked values do not match the envelope patterns.',
      },
      // A province's late event (its own `at`, earlier than entries before it) read as the
      // gateway reordering the 跟踪 record to a client written from the docs alone.
      history: {
        type: 'array',
        items: ref('HistoryEntry'),
        description:
          "In the order recorded, oldest first. A province event's `at` is the time the province gave it (at most 5 minutes past the gateway's clock, at most 5 minutes before the submission), so an event posted late shows an earlier `at` after entries recorded before it.",
      },
    },
    // Every member read-case.ts always writes (null when empty), so a generated client need not
    // guess which to check: a province bounds its events' `at` by `createdAt`. Only a joint
    // party's `parentId` and `role` come and go.
    required: [
      'caseId',
      'status',
      'phase',
      'itemCode',
      'itemVersion',
      'mode',
      'receivingRegion',
      'route',
      'provinceCaseNo',
      'dueAt',
      'flags',
      'calendarAssumed',
      'evaluations',
      'result',
      'relatedCases',
      'createdAt',
      'updatedAt',
      'submission',
      'history',
      'links',
    ],
  },
};

const itemSummaryProps = {
  code: str(),
  name: str('Chinese name of the item (事项名称).'),
  department: { type: 'string', enum: DEPARTMENTS },
  subject: { type: 'string', enum: SUBJECTS },
  modes: { type: 'array', items: { type: 'string', enum: MODES } },
  level: { type: 'string', enum: LEVELS },
  promisedDays: { type: 'integer', minimum: 0, description: '承诺时限, working days.' },
  scope: { type: 'string', enum: SCOPES },
  version: { type: 'integer', minimum: 1 },
  enabledProvinces: { type: 'array', items: { type: 'string', pattern: '^[0-9]{2}$' } },
  disabledNotice: str(
    'Present when operators disabled the item: every submission is refused (422 GW_ITEM_DISABLED) with this notice.',
  ),
};

const readSchemas = {
  CatalogueItemSummary: {
    type: 'object',
    properties: itemSummaryProps,
    required: ['code', 'name', 'department', 'subject', 'modes', 'level', 'version'],
  },
  CatalogueItemList: {
    type: 'object',
    properties: {
      revision: {
        type: 'integer',
        description: 'The catalogue revision served: bumped by every publish, never decreasing.',
      },
      items: { type: 'array', items: ref('CatalogueItemSummary') },
    },
    required: ['revision', 'items'],
  },
  CatalogueItemDetail: {
    allOf: [ref('CatalogueItemSummary')],
    properties: {
      schema: {
        type: 'object',
        description:
          'The payload schema as published (2020-12); `resultSchema`, when present, is the result a province must report (schemas/README.md#result-schemas).',
      },
      definitions: {
        type: 'object',
        description:
          'The shared definitions (defs.schema.json `$defs`) the schema references, by name, so `../defs.schema.json#/$defs/<name>` resolves without another request.',
        additionalProperties: { type: 'object' },
      },
      examples: {
        type: 'object',
        properties: {
          valid: { type: 'array', items: ref('envelope') },
          invalid: {
            type: 'array',
            items: {
              type: 'object',
              description:
                'An envelope the gateway refuses, and where: its answer has a problem at exactly ' +
                '`pointer` with `keyword` (a missing or extra member at the member itself).',
              properties: {
                description: str('What is wrong with it, in English.'),
                pointer: str('The JSON pointer of the problem, e.g. /payload/lines/0/amount.'),
                keyword: str('The schema keyword or cross-field rule that refuses it.'),
                envelope: { type: 'object', description: 'The envelope to send.' },
              },
              required: ['pointer', 'keyword', 'envelope'],
            },
          },
        },
      },
    },
    required: ['schema', 'definitions', 'examples'],
  },
  RouteReason: {
    type: 'object',
    properties: {
      rule: str('The routing rule applied (gateway/README.md#routing-rules).'),
      outcome: { type: 'string', enum: ['pass', 'fail', 'skip'] },
      detail: str(),
    },
    required: ['rule', 'outcome', 'detail'],
  },
  RouteResolution: {
    type: 'object',
    properties: {
      decision: { type: 'string', enum: ['routed', 'refused'] },
      route: ref('CaseRoute'),
      code: { type: 'string', enum: errorCodes },
      detail: str('Refused only: why, in English.'),
      detailZh: str('Refused only: why, in Chinese.'),
      path: str(
        'Refused only: the JSON pointer into the submission the refusal would carry ' +
          '(`/handlingRegion`, `/mode`).',
      ),
      reasons: { type: 'array', items: ref('RouteReason') },
    },
    required: ['decision', 'reasons'],
  },
  Division: {
    type: 'object',
    properties: {
      code: { type: 'string', pattern: '^[0-9]{6}$' },
      name: str(),
      level: { type: 'string', enum: LEVELS },
      province: str(),
      prefecture: str(),
    },
    required: ['code', 'name', 'level', 'province'],
  },
  DeadLetter: {
    type: 'object',
    description: 'A case whose delivery exhausted its attempts (DELIVERY_FAILED).',
    properties: {
      caseId: str(),
      itemCode: str(),
      adapter: { type: 'string', description: 'Absent for a joint parent (it has none).' },
      targetRegion: { type: 'string', description: 'The division the case was routed to.' },
      failedAt: DATE_TIME,
      kind: {
        type: 'string',
        enum: FAILURE_KINDS,
        description:
          'The failure: refused by the province (the same case is refused again), gave-up (retries ' +
          'exhausted: replay once the province is back), unreadable (its data key is not listed), other.',
      },
      reason: {
        type: 'string',
        description:
          "Why delivery failed for good (the province client's error text, sealed at rest): " +
          'masked unless the reader holds `unmask`; `(sealed failure reason: cannot be opened ' +
          'here)` when this gateway cannot open it.',
      },
    },
    required: ['caseId', 'itemCode', 'failedAt', 'kind'],
  },
  DeadLetterList: {
    type: 'object',
    description: 'One page, oldest failure first.',
    properties: {
      items: { type: 'array', items: ref('DeadLetter') },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Send back as `cursor` for the next page; null at the end of the list.',
      },
    },
    required: ['items', 'nextCursor'],
  },
  Health: {
    type: 'object',
    properties: {
      status: str(),
      checks: { type: 'object' },
      catalogue: {
        type: 'object',
        description:
          'The catalogue revision served; when it could not be brought current (503), why.',
        properties: {
          revision: { type: 'integer' },
          connected: { type: 'boolean' },
          current: { type: 'boolean' },
          problems: { type: 'array', items: str() },
        },
      },
      warnings: {
        type: 'array',
        description:
          'Ready, but an operator should act: a working-day calendar is missing (`calendar-year-missing`), Redis lost its data in the last day (`redis-data-lost`, with `detectedAt`).',
        items: {
          type: 'object',
          properties: {
            code: str(),
            year: { type: 'integer' },
            reason: str(),
            detail: str(),
            detectedAt: str(),
          },
        },
      },
    },
  },
};

export function apiSchemas(): Record<string, unknown> {
  return structuredClone({ ...problemSchemas, ...caseSchemas, ...readSchemas });
}
