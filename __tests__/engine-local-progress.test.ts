import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordingLog } from '../__fixtures__/log.js'
import { Progress } from '../src/engine/local/progress.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('scan progress', () => {
  it('says the files and records done, the rate and the time left, every few seconds', () => {
    vi.useFakeTimers()
    const log = recordingLog()
    let now = 0
    const progress = new Progress(log, 4, () => now, 5_000)
    progress.listed(100)
    progress.listed(300)
    for (let i = 0; i < 200; i++) progress.fileDone()
    progress.parsed(20_000)
    now = 4_000
    vi.advanceTimersByTime(5_000)
    expect(log.infos).toEqual([
      'Read 200 of about 800 log files, 20,000 records (5,000 records/s), about 12 s left'
    ])
  })

  it('says what the whole scan did when it finishes, and then stops', () => {
    vi.useFakeTimers()
    const log = recordingLog()
    let now = 1_000
    const progress = new Progress(log, 1, () => now, 5_000)
    progress.listed(3)
    for (let i = 0; i < 3; i++) progress.fileDone()
    progress.parsed(1_234_567)
    now = 3_500
    expect(progress.finish()).toBe(
      'Read 3 log files, 1,234,567 records in 2.5 s (493,827 records/s)'
    )
    vi.advanceTimersByTime(60_000)
    expect(log.infos).toEqual([])
  })
})
