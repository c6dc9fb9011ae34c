// Every setting the gateway reads, as one JSON Schema (draft 2020-12). It is the single source of
// three things: the validator of config/load-config.ts (defaults, coercion of environment strings,
// every problem reported together), the `Config` type (derived here by json-schema-to-ts, so a
// setting added below is typed everywhere without a hand-written mirror), and README's
// configuration table (`npm run docs:tables`). A TypeScript module rather than a .json file
// because only a literal `as const` object lets the type be derived from it. `x-env` names the
// environment variable that sets the value.
import type { FromSchema } from 'json-schema-to-ts';

export const SETTINGS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://swgw.example/schemas/settings.schema.json',
  title: 'Gateway settings',
  description:
    "Every setting the gateway reads. Sources, later ones winning: defaults here, the JSON file named by GW_CONFIG_FILE, environment variables (x-env). README's configuration table is generated from this file (npm run docs:tables).",
  type: 'object',
  properties: {
    env: {
      description: 'Run mode. production refuses development secrets (config/clients.dev.json).',
      type: 'string',
      enum: ['development', 'test', 'production'],
      default: 'development',
      'x-env': 'GW_ENV',
    },
    port: {
      description: 'TCP port the HTTP gateway listens on.',
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 8080,
      'x-env': 'PORT',
    },
    host: {
      description: 'Address the HTTP gateway binds to.',
      type: 'string',
      minLength: 1,
      default: '0.0.0.0',
      'x-env': 'GW_HOST',
    },
    redisUrl: {
      description:
        "Redis 7+ (or Valkey) URL, redis:// or rediss://; a master found through Redis Sentinel as redis-sentinel://[user:password@]host:port,host:port/<masterName>[/<db>] (TLS: rediss-sentinel://; the Sentinels' own credentials in ?sentinelUsername=…&sentinelPassword=…), naming its Sentinels; a Redis Cluster as redis-cluster://[user:password@]host:port,host:port (TLS: rediss-cluster://), naming some of its nodes. npm start starts a private redis-server when unset.",
      type: 'string',
      pattern: '^rediss?(-cluster|-sentinel)?://',
      'x-env': 'REDIS_URL',
    },
    redisNatMap: {
      description:
        "Redis behind address translation (Docker, Kubernetes: README.md#redis-topologies): announced-host:port=reachable-host:port,… — for each address Redis Sentinel names a master (or replica, or Sentinel) by, or a Redis Cluster's nodes name each other by, the address that reaches that server from this process. Applied to every Redis connection of the gateway, the workers and BullMQ; an announced address not listed is used as it is. Only with a redis-sentinel:// or redis-cluster:// REDIS_URL: beside one server's URL it is refused at start.",
      type: 'string',
      'x-env': 'GW_REDIS_NAT_MAP',
    },
    keyPrefix: {
      description: 'Prefix of every Redis key and BullMQ queue the gateway owns.',
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,32}$',
      default: 'gw',
      'x-env': 'GW_KEY_PREFIX',
    },
    redisShards: {
      description:
        'Shards submissions are spread over, each one Redis Cluster hash slot (gateway/README.md#redis-data-layout). Set once: a changed count loses idempotent replays of keys used before the change.',
      type: 'integer',
      minimum: 1,
      maximum: 1024,
      default: 16,
      'x-env': 'GW_REDIS_SHARDS',
    },
    logLevel: {
      description: 'pino log level.',
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      'x-env': 'LOG_LEVEL',
    },
    logFlushMs: {
      description:
        'Log lines are written to stdout in batches of up to 4 KiB, a batch at the latest this long after its first line, and what is left when the process exits (gateway/README.md#logs). A SIGKILL loses the lines of this last period. 0 writes every line at once, one write per line.',
      type: 'integer',
      minimum: 0,
      maximum: 10000,
      default: 100,
      'x-env': 'LOG_FLUSH_MS',
    },
    bodyLimitBytes: {
      description: 'Largest accepted JSON body; larger bodies get 413 GW_PAYLOAD_TOO_LARGE.',
      type: 'integer',
      minimum: 1024,
      maximum: 10485760,
      default: 262144,
      'x-env': 'GW_BODY_LIMIT_BYTES',
    },
    bodyTimeoutMs: {
      description:
        "Time from the end of a request's headers to its last body byte; a slower body gets 408 GW_REQUEST_TIMEOUT and the connection is closed.",
      type: 'integer',
      minimum: 100,
      maximum: 600000,
      default: 10000,
      'x-env': 'GW_BODY_TIMEOUT_MS',
    },
    headersTimeoutMs: {
      description:
        "Time to receive a request's headers; slower headers get 408 GW_REQUEST_TIMEOUT (Node headersTimeout). At most requestTimeoutMs.",
      type: 'integer',
      minimum: 100,
      maximum: 600000,
      default: 10000,
      'x-env': 'GW_HEADERS_TIMEOUT_MS',
    },
    requestTimeoutMs: {
      description:
        'Time to receive a whole request, headers and body; slower requests get 408 GW_REQUEST_TIMEOUT (Node requestTimeout).',
      type: 'integer',
      minimum: 100,
      maximum: 3600000,
      default: 30000,
      'x-env': 'GW_REQUEST_TIMEOUT_MS',
    },
    keepAliveTimeoutMs: {
      description:
        "How long an idle keep-alive connection stays open after a response. Behind a load balancer, set it above the balancer's idle timeout.",
      type: 'integer',
      minimum: 100,
      maximum: 600000,
      default: 5000,
      'x-env': 'GW_KEEP_ALIVE_TIMEOUT_MS',
    },
    maxInFlight: {
      description:
        'Requests one gateway process works on at once (health, readiness and /metrics not counted); past it a request is answered at once, before its body is read, with 503 GW_OVERLOADED and Retry-After (GW_RETRY_AFTER_SECONDS), so a flood is refused quickly instead of queueing until every client times out (README.md#load-shedding).',
      type: 'integer',
      minimum: 1,
      maximum: 100000,
      default: 256,
      'x-env': 'GW_MAX_IN_FLIGHT',
    },
    redisCommandTimeoutMs: {
      description:
        'A Redis command on the request path that takes longer fails, so the client gets 503 instead of a hang. Only a reply that really is late fails: one already waiting when the process resumes from a stall (a loaded machine) is read first (gateway/README.md#command-timeout).',
      type: 'integer',
      minimum: 50,
      maximum: 10000,
      default: 500,
      'x-env': 'GW_REDIS_COMMAND_TIMEOUT_MS',
    },
    redisConnectTimeoutMs: {
      description: 'Time allowed for one Redis connection attempt.',
      type: 'integer',
      minimum: 100,
      maximum: 60000,
      default: 2000,
      'x-env': 'GW_REDIS_CONNECT_TIMEOUT_MS',
    },
    redisReconnectMaxDelayMs: {
      description: 'Longest pause between Redis reconnection attempts (backoff grows to this).',
      type: 'integer',
      minimum: 50,
      maximum: 30000,
      default: 1000,
      'x-env': 'GW_REDIS_RECONNECT_MAX_DELAY_MS',
    },
    redisStartupTimeoutMs: {
      description:
        'At start, how long to wait for Redis before giving up (the version and noeviction checks need it).',
      type: 'integer',
      minimum: 100,
      maximum: 600000,
      default: 15000,
      'x-env': 'GW_REDIS_STARTUP_TIMEOUT_MS',
    },
    redisDurability: {
      description:
        'What the gateway requires of Redis persistence before it starts, on every master (README.md#redis-durability): always = AOF on with appendfsync always (nothing it answered 202 for is lost on a Redis crash or power loss); aof = AOF on, any appendfsync (everysec can lose up to about 2 s on a crash while the disk lags or a power loss; a warning is logged); none = not checked. Unset: always in production, none otherwise. Where CONFIG GET is refused (managed Redis), always cannot be checked and refuses: set aof if the provider guarantees the fsync.',
      type: 'string',
      enum: ['always', 'aof', 'none'],
      'x-env': 'GW_REDIS_DURABILITY',
    },
    redisWaitReplicas: {
      description:
        "Replicas that must hold a write before the gateway acknowledges it (Redis WAIT, README.md#replicas): a submission's 202, a province's event, a rating, a rectification step, an operator's action. A fail-over to one of them then cannot lose it. Fewer within GW_REDIS_WAIT_TIMEOUT_MS: 503 GW_UNAVAILABLE, the write stored on the master, and repeating the request gives what was stored once it reached them (a submission or rating with the same Idempotency-Key; an event as its duplicate). 0 = answer once the master has it.",
      type: 'integer',
      minimum: 0,
      maximum: 16,
      default: 0,
      'x-env': 'GW_REDIS_WAIT_REPLICAS',
    },
    redisWaitTimeoutMs: {
      description:
        'With GW_REDIS_WAIT_REPLICAS: how long a write waits for its replicas before its 503 (on a connection of its own, so no other request waits behind it).',
      type: 'integer',
      minimum: 10,
      maximum: 10000,
      default: 250,
      'x-env': 'GW_REDIS_WAIT_TIMEOUT_MS',
    },
    retryAfterSeconds: {
      description:
        'Retry-After sent with 503 when Redis is unreachable, and with 503 GW_OVERLOADED past GW_MAX_IN_FLIGHT.',
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      default: 5,
      'x-env': 'GW_RETRY_AFTER_SECONDS',
    },
    gatewayProcesses: {
      description:
        'HTTP gateway processes `npm run start:gateway` runs, sharing PORT (node:cluster: the first process forks them, restarts one that dies, and on SIGTERM/SIGINT stops them all gracefully); 0 = one per CPU core. 1 runs the gateway in the process itself.',
      type: 'integer',
      minimum: 0,
      maximum: 64,
      default: 1,
      'x-env': 'GW_GATEWAY_PROCESSES',
    },
    shutdownTimeoutMs: {
      description:
        'On SIGTERM/SIGINT: time to finish in-flight requests and close queues and Redis before forcing exit.',
      type: 'integer',
      minimum: 100,
      maximum: 120000,
      default: 10000,
      'x-env': 'GW_SHUTDOWN_TIMEOUT_MS',
    },
    trustProxy: {
      description: 'Trust X-Forwarded-* from a reverse proxy (express trust proxy).',
      type: 'boolean',
      default: false,
      'x-env': 'GW_TRUST_PROXY',
    },
    clientsFile: {
      description:
        'JSON file of API clients (gateway/README.md#authentication-and-signing). Unset in development: config/clients.dev.json; production requires it and refuses the development file.',
      type: 'string',
      minLength: 1,
      'x-env': 'GW_CLIENTS_FILE',
    },
    clockSkewSeconds: {
      description: 'Allowed difference between X-Gw-Timestamp and server time, seconds.',
      type: 'integer',
      minimum: 30,
      maximum: 3600,
      default: 300,
      'x-env': 'GW_CLOCK_SKEW_SECONDS',
    },
    nonceTtlSeconds: {
      description: 'How long a nonce stays used, per client, seconds.',
      type: 'integer',
      minimum: 60,
      maximum: 86400,
      default: 600,
      'x-env': 'GW_NONCE_TTL_SECONDS',
    },
    rateLimitPerSecond: {
      description:
        "Default requests per second per client (a client's ratePerSecond overrides it); over it: 429 with Retry-After.",
      type: 'integer',
      minimum: 1,
      maximum: 1000000,
      default: 200,
      'x-env': 'GW_RATE_LIMIT_PER_SECOND',
    },
    idempotencyTtlSeconds: {
      description:
        'How long an Idempotency-Key is remembered, seconds (the case itself is kept longer). Below an hour only for soaks and tests: a portal retrying later would create a second case.',
      type: 'integer',
      minimum: 60,
      maximum: 31536000,
      default: 604800,
      'x-env': 'GW_IDEMPOTENCY_TTL_SECONDS',
    },
    idempotencyLegacyWrite: {
      description:
        'Also write each Idempotency-Key under its legacy name and shape (the whole SHA-256 in hex), as gateways before the compact record read it: on during a rolling upgrade from such a gateway, off once none runs.',
      type: 'boolean',
      default: false,
      'x-env': 'GW_IDEMPOTENCY_LEGACY_WRITE',
    },
    reconcileIntervalMs: {
      description:
        'How often the outbox reconciler looks for stored cases that were never queued, and for case and rectification moves whose transition listeners never heard of them; also how often a gateway looks for operator actions a stopped process left unfinished, to record them in the audit chain.',
      type: 'integer',
      minimum: 100,
      maximum: 600000,
      default: 2000,
      'x-env': 'GW_RECONCILE_INTERVAL_MS',
    },
    relayPollMs: {
      description:
        'How often each worker process looks at every outbox shard without being nudged (a nudge lost while its subscriber reconnected).',
      type: 'integer',
      minimum: 10,
      maximum: 60000,
      default: 250,
      'x-env': 'GW_RELAY_POLL_MS',
    },
    relayBatch: {
      description:
        'Outbox entries a relay claims and queues at once (per adapter queue: single adds, one addBulk from 16).',
      type: 'integer',
      minimum: 1,
      maximum: 10000,
      default: 500,
      'x-env': 'GW_RELAY_BATCH',
    },
    relayClaimMs: {
      description:
        'How long a relay claim hides a batch from other relays: the entries of a relay that died are relayed again after this.',
      type: 'integer',
      minimum: 100,
      maximum: 600000,
      default: 10000,
      'x-env': 'GW_RELAY_CLAIM_MS',
    },
    reconcileAgeMs: {
      description:
        'An outbox entry older than this (a case stored, no job yet: no relay running, or one that died) is queued by the reconciler; a move outbox entry older than this (a move whose process died before its listeners ran) is told to them again.',
      type: 'integer',
      minimum: 100,
      maximum: 3600000,
      default: 5000,
      'x-env': 'GW_RECONCILE_AGE_MS',
    },
    deliveryAttempts: {
      description:
        'Default delivery attempts per case before DELIVERY_FAILED (adapters may override).',
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 6,
      'x-env': 'GW_DELIVERY_ATTEMPTS',
    },
    deliveryBackoffMs: {
      description:
        "Default first retry delay (adapters may override); doubles each attempt, with jitter; a province's Retry-After replaces it.",
      type: 'integer',
      minimum: 10,
      maximum: 3600000,
      default: 1000,
      'x-env': 'GW_DELIVERY_BACKOFF_MS',
    },
    workerLockDurationMs: {
      description:
        "How long a worker holds a delivery job before it counts as stalled (a killed worker's job is then recovered).",
      type: 'integer',
      minimum: 500,
      maximum: 600000,
      default: 30000,
      'x-env': 'GW_WORKER_LOCK_DURATION_MS',
    },
    workerStalledIntervalMs: {
      description: 'How often workers look for stalled delivery jobs.',
      type: 'integer',
      minimum: 200,
      maximum: 600000,
      default: 15000,
      'x-env': 'GW_WORKER_STALLED_INTERVAL_MS',
    },
    breakerThreshold: {
      description:
        "Consecutive transient delivery failures that open an adapter's circuit breaker (pausing its queue).",
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 5,
      'x-env': 'GW_BREAKER_THRESHOLD',
    },
    breakerCoolDownMs: {
      description:
        'How long an open breaker waits before probing (doubles on each failed probe, up to 10×).',
      type: 'integer',
      minimum: 100,
      maximum: 3600000,
      default: 5000,
      'x-env': 'GW_BREAKER_COOL_DOWN_MS',
    },
    adaptersFile: {
      description:
        'Adapter settings file (adapters/README.md#settings); default config/adapters.json.',
      type: 'string',
      minLength: 1,
      'x-env': 'GW_ADAPTERS_FILE',
    },
    docsEnabled: {
      description: 'Serve GET /openapi.json and GET /docs (no auth; the document holds no data).',
      type: 'boolean',
      default: true,
      'x-env': 'GW_DOCS_ENABLED',
    },
    metricsEnabled: {
      description:
        "Serve GET /metrics, on the gateway and on a worker's operations listener (GW_WORKER_METRICS_PORT); no auth: expose it only to the monitoring network.",
      type: 'boolean',
      default: true,
      'x-env': 'GW_METRICS_ENABLED',
    },
    workerMetricsPort: {
      description:
        "TCP port of a worker process's operations listener: GET /metrics (its delivery, status query and callback outcomes, province and portal call durations, put-backs), /healthz and /readyz (its Redis answers a PING within GW_REDIS_COMMAND_TIMEOUT_MS, its catalogue is current and it is not stopping). Unset: the worker listens on no port (adapters/README.md#operations-listener). 0: a free port, which its `operations listener started` line names.",
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      'x-env': 'GW_WORKER_METRICS_PORT',
    },
    workerMetricsHost: {
      description:
        "Address a worker process's operations listener binds to (with GW_WORKER_METRICS_PORT); like GW_HOST, every interface, so a scraper in another container reaches it. No auth: expose it to the monitoring network only.",
      type: 'string',
      minLength: 1,
      default: '0.0.0.0',
      'x-env': 'GW_WORKER_METRICS_HOST',
    },
    caseRetentionDays: {
      description:
        'Days a closed case (record, history, event digests), its settled 督办 subject and notices, and its evaluations are kept in Redis after it closes; 0 keeps them for ever. May be a fraction (0.001 = 87 s) for soaks and tests.',
      type: 'number',
      minimum: 0,
      maximum: 36500,
      default: 365,
      'x-env': 'GW_CASE_RETENTION_DAYS',
    },
    jobRetentionSeconds: {
      description:
        'Completed BullMQ jobs (deliveries, status queries, callbacks) are removed once older than this (callbacks after at most a day); failed deliveries stay as dead letters until replayed. The case record outlives its job (GW_CASE_RETENTION_DAYS).',
      type: 'integer',
      minimum: 1,
      maximum: 31536000,
      default: 604800,
      'x-env': 'GW_JOB_RETENTION_SECONDS',
    },
    jobRetentionCount: {
      description:
        "At most this many completed jobs are kept per queue, whatever their age (BullMQ trims when a job finishes); each queue's BullMQ event stream is capped at about as many entries.",
      type: 'integer',
      minimum: 0,
      maximum: 1000000,
      default: 10000,
      'x-env': 'GW_JOB_RETENTION_COUNT',
    },
    dataKeys: {
      description:
        'Keys that encrypt personal data at rest (each stored submission), comma-separated <id>:<base64 of 32 bytes>. New records use GW_DATA_KEY_ID or else the first; every listed key still decrypts, so keys rotate (gateway/README.md#encryption-at-rest). Required in production; development and test generate one into GW_DATA_KEY_FILE.',
      type: 'string',
      minLength: 1,
      'x-env': 'GW_DATA_KEYS',
    },
    dataKeyId: {
      description:
        'Id of the GW_DATA_KEYS key that encrypts new records; default the first listed.',
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,32}$',
      'x-env': 'GW_DATA_KEY_ID',
    },
    dataKeyFile: {
      description:
        'Development and test only: file holding the generated data key when GW_DATA_KEYS is unset, created on first start and shared by every local process; default .data/data-keys.',
      type: 'string',
      minLength: 1,
      'x-env': 'GW_DATA_KEY_FILE',
    },
    supervisionIntervalMs: {
      description:
        'How often the worker looks for 督办 flags that fell due (warning, overdue with its 催办 notice, escalated) and records default ratings and default re-ratings whose window ended.',
      type: 'integer',
      minimum: 1000,
      maximum: 3600000,
      default: 60000,
      'x-env': 'GW_SUPERVISION_INTERVAL_MS',
    },
    provinceSilenceMs: {
      description:
        'A delivered, open case with no news from its province for this long is queried from the province (its adapter’s status query); the worker checks every tenth of it (0.1–60 s).',
      type: 'integer',
      minimum: 500,
      maximum: 604800000,
      default: 1800000,
      'x-env': 'GW_PROVINCE_SILENCE_MS',
    },
    supervisionFile: {
      description:
        '督办 and 好差评 deadlines per province (config/README.md#supervision); default config/supervision.json.',
      type: 'string',
      minLength: 1,
      'x-env': 'GW_SUPERVISION_FILE',
    },
    cataloguePollMs: {
      description:
        'How often each gateway polls the catalogue revision in Redis (gateway/README.md#live-reload); the publish hint is usually faster, the poll catches a lost hint.',
      type: 'integer',
      minimum: 100,
      maximum: 60000,
      default: 2000,
      'x-env': 'GW_CATALOGUE_POLL_MS',
    },
    catalogueSubscribe: {
      description:
        'Listen for the publish hint on Redis pub/sub (false: the poll alone brings publishes, within GW_CATALOGUE_POLL_MS).',
      type: 'boolean',
      default: true,
      'x-env': 'GW_CATALOGUE_SUBSCRIBE',
    },
    catalogueSunsetDays: {
      description:
        'Days a superseded item version stays accepted for pinned submissions after a breaking publish (then 422 GW_ITEM_VERSION_RETIRED).',
      type: 'integer',
      minimum: 30,
      maximum: 3650,
      default: 90,
      'x-env': 'GW_CATALOGUE_SUNSET_DAYS',
    },
    consoleIdleMinutes: {
      description:
        'Operator console: a session unused for this long ends and the operator signs in again.',
      type: 'integer',
      minimum: 1,
      maximum: 480,
      default: 30,
      'x-env': 'GW_CONSOLE_IDLE_MINUTES',
    },
    consoleSessionHours: {
      description:
        'Operator console: a session ends this long after sign-in however busy it is (absolute timeout).',
      type: 'integer',
      minimum: 1,
      maximum: 24,
      default: 10,
      'x-env': 'GW_CONSOLE_SESSION_HOURS',
    },
    consoleLockAfterFailures: {
      description:
        'Operator console: this many failed sign-ins of one operator id within consoleLockMinutes lock that id for consoleLockMinutes (audited).',
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 5,
      'x-env': 'GW_CONSOLE_LOCK_AFTER_FAILURES',
    },
    consoleIpLockAfterFailures: {
      description:
        'Operator console: this many failed sign-ins from one client address (any operator id) within consoleLockMinutes lock that address for consoleLockMinutes.',
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 20,
      'x-env': 'GW_CONSOLE_IP_LOCK_AFTER_FAILURES',
    },
    consoleLockMinutes: {
      description: 'Operator console: how long a lock-out lasts, and the window failures count in.',
      type: 'integer',
      minimum: 1,
      maximum: 1440,
      default: 15,
      'x-env': 'GW_CONSOLE_LOCK_MINUTES',
    },
  },
  required: ['env', 'port', 'host', 'keyPrefix', 'logLevel', 'bodyLimitBytes'],
  additionalProperties: false,
} as const;

/** The validated settings: defaults filled in, so every property with a default is present. */
export type Config = Readonly<FromSchema<typeof SETTINGS_SCHEMA>>;
