import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'able', 'agile', 'amber', 'ample', 'bold', 'brave', 'bright', 'brisk', 'calm', 'clever', 'cosmic', 'crisp',
  'daring', 'deft', 'eager', 'early', 'fancy', 'fierce', 'gentle', 'glad', 'golden', 'grand', 'happy', 'hardy',
  'humble', 'jolly', 'keen', 'kind', 'lively', 'loyal', 'lucky', 'mellow', 'merry', 'mighty', 'nimble', 'noble',
  'placid', 'polite', 'proud', 'quick', 'quiet', 'rapid', 'rare', 'sassy', 'serene', 'shiny', 'silent', 'smart',
  'snappy', 'solid', 'spry', 'steady', 'sunny', 'swift', 'tidy', 'upbeat', 'vivid', 'warm', 'wise', 'witty', 'zesty',
];

const NOUNS = [
  'ant', 'ape', 'bat', 'bear', 'bee', 'bison', 'boar', 'carp', 'cat', 'cod', 'colt', 'crab', 'crane', 'crow',
  'deer', 'dog', 'dove', 'duck', 'eel', 'elk', 'finch', 'fox', 'frog', 'gnu', 'goat', 'goose', 'gull', 'hare',
  'hawk', 'hen', 'heron', 'ibis', 'jay', 'koi', 'lark', 'lemur', 'lynx', 'mole', 'moose', 'moth', 'mouse', 'newt',
  'otter', 'owl', 'ox', 'panda', 'pike', 'quail', 'ram', 'raven', 'robin', 'seal', 'shark', 'sloth', 'snail',
  'squid', 'stork', 'swan', 'tern', 'toad', 'trout', 'vole', 'wasp', 'whale', 'wolf', 'wren', 'yak', 'zebra',
];

const MAX_LENGTH = 20;

/**
 * A run name in MLflow's generated style, `adjective-noun-N` with N in 0..1000, at most 20
 * characters (`bold-cat-123`). The UI shows it wherever the user gave no name.
 */
export function generateRunName(): string {
  let name = '';
  for (let i = 0; i < 10; i++) {
    name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1001)}`;
    if (name.length <= MAX_LENGTH) return name;
  }
  return name.slice(0, MAX_LENGTH);
}
