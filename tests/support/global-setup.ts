// Placeholder replaced by the Redis-starting global setup (issue 2).
export default function setup(): void {}
