export interface CrashScenarioOptions {
  databaseUrl: string;
  redisUrl: string;
  appSecret: string;
  encrypt: (plain: string) => string;
  messages: number;
  kills: number;
  poolSize: number;
  latencyMs: number;
  heartbeatMs?: number;
  /** About how long sending takes without kills; the kills are spread over it. */
  expectedMs?: number;
  timeoutMs?: number;
  log?: (msg: string) => void;
}
export interface CrashScenarioResult {
  messages: number;
  kills: number;
  killTimes: number[];
  poolSize: number;
  msToAllFinal: number;
  messagesPerSec: number;
  statuses: Record<string, number>;
  duplicates: number;
  lost: number;
  ambiguous: number;
  ambiguousReceived: number;
  sentNotReceived: number;
  receivedNotRecorded: number;
  received: number;
}
export function runCrashScenario(o: CrashScenarioOptions): Promise<CrashScenarioResult>;
