// SPDX-License-Identifier: Apache-2.0
// The rows of the fault matrix (docs/reliability.md) a Node user can reach, with what Node
// reports for each: the source of the expectations. test/e2e/matrix.test.ts runs every row in
// the guest; test/unit/fault-matrix.test.ts checks that the documented table says the same
// (its "Node" cell is nodeCell(row), its phase and fault cells match the row's).

/** Where the fault hits, seen from Node. */
export type Step =
  /** dev.createNetwork({ index }): the driver's NETWORK_INFO request */
  | 'network'
  /** net.run(input, { timeoutMs }) with the fault armed before the run */
  | 'run'
  /** net.run(input, { timeoutMs }); the knobs of `during` are written while it runs */
  | 'run-during';

export interface MatrixRow {
  /** the table's phase and fault cells, exactly */
  phase: string;
  fault: string;
  step: Step;
  /** emulator knobs written before the step, one set per variant (each variant runs alone) */
  arm: Array<Record<string, string | number>>;
  /** knobs written once the run is under way (step 'run-during') */
  during?: Record<string, string | number>;
  /** knobs written after the step to put the firmware back (besides the reset of every knob) */
  disarm?: Record<string, string | number>;
  /** the run's timeoutMs (steps 'run' and 'run-during') */
  timeoutMs?: number;
  /** what Node reports: the EthosUError code, the inference status on the error */
  code: string;
  status?: 'error' | 'rejected' | 'aborted' | 'running';
  /** the error's message ends so */
  message?: RegExp;
  /** the code of every later call on the same Device (the node went away), else later calls work */
  then?: string;
}

export const FAULT_MATRIX: readonly MatrixRow[] = [
  {
    phase: 'network info',
    fault: 'drop 1',
    step: 'network',
    arm: [{ drop: 1 }],
    code: 'ETIMEDOUT',
  },
  {
    phase: 'network info',
    fault: 'fail_status 1',
    step: 'network',
    arm: [{ fail_status: 1 }],
    code: 'EBADF',
  },
  {
    phase: 'network info',
    fault: 'corrupt msg_id',
    step: 'network',
    arm: [{ corrupt: 'msg_id' }],
    code: 'ETIMEDOUT',
  },
  {
    phase: 'network info',
    fault: 'corrupt magic / size / type',
    step: 'network',
    arm: [{ corrupt: 'magic' }, { corrupt: 'size' }, { corrupt: 'type' }],
    code: 'ETIMEDOUT',
  },
  {
    phase: 'network info',
    fault: 'stall',
    step: 'network',
    arm: [{ stall: 1 }],
    disarm: { stall: 0 },
    code: 'ETIMEDOUT',
  },
  {
    phase: 'inference queued or running',
    fault: 'drop 1',
    step: 'run',
    arm: [{ drop: 1 }],
    timeoutMs: 1_000,
    code: 'ETIMEDOUT',
    status: 'aborted',
  },
  {
    phase: 'inference',
    fault: 'fail_status N',
    step: 'run',
    arm: [{ fail_status: 1 }],
    code: 'ERR_ETHOSU_INFERENCE',
    status: 'error',
  },
  {
    phase: 'inference',
    fault: 'reject N',
    step: 'run',
    arm: [{ reject: 1 }],
    code: 'ERR_ETHOSU_INFERENCE',
    status: 'rejected',
  },
  {
    phase: 'inference',
    fault: 'corrupt magic / size / type / msg_id',
    step: 'run',
    arm: [{ corrupt: 'magic' }, { corrupt: 'size' }, { corrupt: 'type' }, { corrupt: 'msg_id' }],
    timeoutMs: 1_000,
    code: 'ETIMEDOUT',
    status: 'aborted',
  },
  {
    phase: 'inference',
    fault: 'ERR message',
    step: 'run-during',
    arm: [{ latency_us: 2_000_000 }],
    during: { send_err: 1 },
    code: 'ERR_ETHOSU_INFERENCE',
    status: 'error',
    then: 'ENODEV',
  },
  {
    phase: 'inference',
    fault: 'crash and restart',
    step: 'run-during',
    arm: [{ latency_us: 2_000_000 }],
    during: { crash: 200 },
    code: 'ERR_ETHOSU_INFERENCE',
    status: 'error',
    then: 'ENODEV',
  },
  {
    phase: 'cancel',
    fault:
      'a remote that refuses the cancel (`refuse_cancel 1`), of the running or a queued inference',
    step: 'run',
    arm: [{ latency_us: 400_000, refuse_cancel: 1 }],
    timeoutMs: 50,
    code: 'ETIMEDOUT',
    status: 'running',
    message: /the firmware refused to cancel it and may still be running it$/,
  },
];

/** The "Node" cell of the row in docs/reliability.md's fault matrix. */
export function nodeCell(row: MatrixRow): string {
  const how = row.timeoutMs === undefined ? '' : '`run` with `timeoutMs`: ';
  const parts = [`\`${row.code}\``];
  if (row.status !== undefined) parts.push(`status \`${row.status}\``);
  return how + parts.join(', ') + (row.then === undefined ? '' : `, then \`${row.then}\``);
}
