import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordingLog } from '../__fixtures__/log.js'
import { Progress } from '../src/engine/local/progress.js'

function listFolder(progress: Progress, files: number): void {
  for (let i = 0; i < files; i++) progress.fileListed()
  progress.folderListed()
}

afterEach(() => {
  vi.useRealTimers()
})

describe('scan progress', () => {
  it('says the files and records done, the rate and the time left, every few seconds', () => {
    vi.useFakeTimers()
    const log = recordingLog()
    let now = 0
    const progress = new Progress(log, 4, () => now, 5_000)
    listFolder(progress, 100)
    listFolder(progress, 300)
    for (let i = 0; i < 200; i++) progress.fileDone()
    progress.parsed(20_000)
    now = 4_000
    vi.advanceTimersByTime(5_000)
    expect(log.infos).toEqual([
      'Read 200 of about 800 log files, 20,000 records (5,000 records/s), about 12 s left'
    ])
  })

  it('never estimates fewer files than it has read while a large folder is still being listed', () => {
    vi.useFakeTimers()
    const log = recordingLog()
    let now = 0
    const progress = new Progress(log, 4, () => now, 5_000)
    listFolder(progress, 10)
    // The second folder is far larger than the first, and read while it is listed.
    for (let i = 0; i < 3_000; i++) progress.fileListed()
    for (let i = 0; i < 2_359; i++) progress.fileDone()
    progress.parsed(235_900)
    now = 10_000
    vi.advanceTimersByTime(5_000)
    expect(log.infos).toEqual([
      'Read 2,359 of about 3,030 log files, 235,900 records (23,590 records/s), about 3 s left'
    ])
  })

  it('says nothing is left once every folder is listed and every file read', () => {
    vi.useFakeTimers()
    const log = recordingLog()
    let now = 0
    const progress = new Progress(log, 2, () => now, 5_000)
    listFolder(progress, 5)
    listFolder(progress, 1)
    for (let i = 0; i < 6; i++) progress.fileDone()
    now = 2_000
    expect(progress.status()).toBe(
      'Read 6 of about 6 log files, 0 records (0 records/s), about 0 s left'
    )
  })

  it('says what the whole scan did when it finishes, and then stops', () => {
    vi.useFakeTimers()
    const log = recordingLog()
    let now = 1_000
    const progress = new Progress(log, 1, () => now, 5_000)
    listFolder(progress, 3)
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
