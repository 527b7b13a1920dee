export interface PrivateRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}
export function startPrivateRedis(options?: { bin?: string }): Promise<PrivateRedis>;
