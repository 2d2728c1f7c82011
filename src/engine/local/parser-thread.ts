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
/** The batch being parsed: the next waits for it, so that replies keep the batches' order. */
let parsing = Promise.resolve()
port.on('message', (batch: Batch) => {
  parsing = parsing.then(async () => {
    const reply = await parseBatch(parser, batch, (path) => readFileSync(path))
    port.postMessage(reply, [reply.result.counts.buffer, reply.result.eventIds.buffer])
  })
})
