export declare function splitBenchArgs(args: readonly string[]): { names: string[]; options: string[] }
