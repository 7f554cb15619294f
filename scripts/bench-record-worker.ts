// A worker thread of `npm run bench -- --only=record`: encrypts the ranges of ballots it is sent
// (src/domain/record/bulk-v2.ts) and posts them back, one message per job.
import { parentPort } from 'node:worker_threads';
import { encryptBallotRange, type BallotJob } from '../src/domain/record/bulk-v2.ts';

parentPort!.on('message', (job: BallotJob) => parentPort!.postMessage(encryptBallotRange(job)));
