/**
 * Made-up but realistically shaped speech for bench:search: a vocabulary of common English words
 * with a long tail of rarer ones, drawn with Zipf's law (a few words are said all the time, most
 * seldom), in sentences of 6–18 words. Seeded, so every run searches the same journal.
 */

const COMMON = `the and to of a i it in that you was is for on we he with they but my be have at this so
not are just what there like all about one when out up do can if her his me she them then were
had been would from or get go know no our your said yes well now think time back going really
people right very see some because how good here more day us got little where went come could much
make down over think work something say still want year things before thought never other only call
home again into way look after first new around too away take tell morning night always family
friends mother father children school house water today tomorrow week money long talk later
remember thank feel life place old last left little nice great maybe sure sorry love help`.split(/\s+/)

const TOPICS = `harbour garden kitchen doctor hospital meeting project budget deadline train station
weather rain snow summer winter holiday beach mountain river forest village city market
bakery coffee breakfast dinner lunch recipe apples pears tomatoes orchard violin piano guitar
concert rehearsal football match neighbour birthday wedding anniversary grandmother grandfather
letter parcel delivery invoice contract landlord repairs plumber electrician window roof
ferry lighthouse gulls boat sailing fishing harvest tractor vineyard cellar library museum
lecture exam homework teacher student office manager colleague interview promise journey
airport passport luggage hotel ticket bicycle puncture traffic bridge tunnel ambulance`.split(/\s+/)

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'tor', 'ban', 'sil', 've', 'ra', 'dun', 'pel', 'gri', 'sa', 'ton', 'mar', 'cle', 'fi', 'est', 'wo', 'ber']

/** A small deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Common words first, topic words next, then `tail` rarer made-up words (names, places, jargon). */
export function vocabulary(tail: number, rand: () => number): string[] {
  const rare = new Set<string>()
  while (rare.size < tail) {
    const length = 2 + Math.floor(rand() * 3)
    rare.add(Array.from({ length }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(''))
  }
  return [...new Set([...COMMON, ...TOPICS, ...rare])]
}

/** Draws word ranks with Zipf's law (exponent 1) by inverting the cumulative weights. */
export function zipf(size: number, rand: () => number): () => number {
  const cumulative = new Float64Array(size)
  let total = 0
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / (rank + 1)
  return () => {
    const target = rand() * total
    let low = 0
    let high = size - 1
    while (low < high) {
      const middle = (low + high) >> 1
      if (cumulative[middle]! < target) low = middle + 1
      else high = middle
    }
    return low
  }
}

/** About `words` words in sentences of 6–18, the first word capitalised and a full stop at the end. */
export function sentencesOf(words: number, pick: () => string, rand: () => number): string[][] {
  const sentences: string[][] = []
  let left = words
  while (left > 0) {
    const length = Math.min(left, 6 + Math.floor(rand() * 13))
    const sentence = Array.from({ length }, pick)
    sentence[0] = sentence[0]!.charAt(0).toUpperCase() + sentence[0]!.slice(1)
    sentence[length - 1] = `${sentence[length - 1]}.`
    sentences.push(sentence)
    left -= length
  }
  return sentences
}
