/**
 * A parser thread: what runs in each worker the `ParserPool` starts (`workers.ts` says from which
 * file). Importing this module serves: it answers one message per batch of files, in order.
 */
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { type Batch, parseBatch } from './batches.js'
import { createLogParser, type ParserOptions } from './parser/parser.js'

if (parentPort === null) throw new Error('The log parser runs in a worker thread of ParserPool')
const port = parentPort
const parser = createLogParser(workerData as ParserOptions)
port.on('message', (batch: Batch) => {
  const reply = parseBatch(parser, batch, (path) => readFileSync(path))
  port.postMessage(reply, [reply.result.counts.buffer, reply.result.eventIds.buffer])
})
