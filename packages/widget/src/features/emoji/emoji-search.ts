/**
 * What the emoji picker's search matches: a lazily loaded chunk of its own, fetched the first time
 * someone types in the search field, so the picker itself stays small.
 *
 * `NAMES`: for every emoji in `EMOJI_CATEGORIES`, in the same order, `|`-separated, up to three
 * words of its English Unicode name, leaving out filler ("face", "with", "sign"…). Generated with
 * Python's `unicodedata.name()`; keep it in step with emoji-data.ts (a test checks the count).
 * `KEYWORDS`: everyday words that names miss ("lol", "love", "coffee") and Simplified Chinese
 * keywords, each followed by the emoji it finds as base-36 positions in that same order.
 */
const NAMES =
  'grinning|smiling|smiling|grinning smiling|smiling|smiling cold sweat|tears joy|rolling floor laughing|smiling|upside down|winking|smiling|smiling halo|smiling hearts|smiling heart|grinning star|throwing kiss|kissing|kissing|savouring delicious food|stuck tongue|stuck tongue winking|grinning|stuck tongue|money|hugging|smiling hand covering|finger covering lips|thinking|zipper|eyebrow raised|neutral|expressionless|face|smirking|unamused|rolling|grimacing|relieved|pensive|sleepy|drooling|sleeping|medical mask|thermometer|head bandage|nauseated|vomiting|overheated|freezing|uneven wavy|dizzy|shocked exploding head|cowboy hat|party horn hat|smiling sunglasses|nerd|monocle|confused|worried|frowning|face|hushed|astonished|flushed|pleading|frowning|anguished|fearful|cold sweat|disappointed relieved|crying|loudly crying|screaming fear|confounded|persevering|disappointed|cold sweat|weary|tired|yawning|look triumph|pouting|angry|serious symbols covering|smiling horns|skull|pile poo|clown|ghost|extraterrestrial alien|robot|waving hand|raised back hand|raised hand|raised hand|ok hand|pinched|pinching hand|victory hand|hand index crossed|i love you|horns|call me hand|left pointing backhand|right pointing backhand|up pointing backhand|down pointing backhand|up pointing index|thumbs up|thumbs down|raised fist|fisted hand|left facing fist|right facing fist|clapping hands|person raising both|hands|palms up together|handshake|person folded hands|writing hand|flexed biceps|mechanical arm|face|face|tongue|face|brain|baby|child|boy|girl|adult|person blond hair|man|woman|older adult|older man|older woman|person frowning|person pouting|no good gesture|ok gesture|information desk person|happy person raising|deaf person|person bowing deeply|palm|shrug|dancer|man dancing|pedestrian|runner|dog|cat|mouse|hamster|rabbit|fox|bear|panda|koala|tiger|lion|cow|pig|frog|monkey|see no evil|hear no evil|speak no evil|chicken|penguin|bird|baby chick|duck|eagle|owl|bat|wolf|horse|unicorn|honeybee|bug|butterfly|snail|lady beetle|turtle|snake|t rex|octopus|squid|crab|tropical fish|dolphin|spouting whale|shark|cactus|evergreen tree|deciduous tree|palm tree|seedling|herb|four leaf clover|maple leaf|fallen leaf|tulip|rose|hibiscus|cherry blossom|blossom|sunflower|sun|full moon|first quarter moon|medium star|glowing star|sparkles|high voltage|fire|rainbow|sun rays|sun behind cloud|cloud|cloud rain|snowman snow|snowflake|water wave|green apple|red apple|pear|tangerine|lemon|banana|watermelon|grapes|strawberry|blueberries|cherries|peach|mango|pineapple|coconut|kiwifruit|tomato|avocado|broccoli|carrot|ear maize|hot pepper|potato|croissant|bread|baguette bread|cheese wedge|egg|cooking|pancakes|waffle|bacon|hamburger|french fries|slice pizza|hot dog|sandwich|taco|burrito|green salad|spaghetti|steaming bowl|pot food|curry rice|sushi|bento box|dumpling|fried shrimp|rice ball|cooked rice|rice cracker|fish cake swirl|dango|soft ice cream|shortcake|birthday cake|custard|lollipop|candy|chocolate bar|popcorn|doughnut|cookie|hot beverage|teacup handle|bubble tea|beer mug|clinking beer mugs|clinking glasses|wine glass|cocktail glass|tropical drink|soccer ball|basketball hoop|american football|baseball|softball|tennis racquet ball|volleyball|rugby football|billiards|table tennis paddle|badminton racquet shuttlecock|goal net|ice hockey stick|cricket bat ball|flag hole|bow arrow|fishing pole fish|boxing glove|martial arts uniform|running shirt sash|skateboard|ice skate|ski boot|snowboarder|weight lifter|person doing cartwheel|bicyclist|trophy|first place medal|second place medal|third place medal|sports medal|military medal|ticket|admission tickets|circus tent|performing arts|artist palette|clapper board|microphone|headphone|musical score|musical keyboard|drum drumsticks|saxophone|trumpet|guitar|violin|game die|chess pawn|direct hit|bowling|video game|jigsaw puzzle piece|party popper|confetti ball|balloon|wrapped present|automobile|taxi|recreational vehicle|bus|racing car|police car|ambulance|fire engine|minibus|delivery truck|tractor|motor scooter|racing motorcycle|bicycle|scooter|police cars revolving|high speed train|high speed train|train|metro|station|airplane|airplane departure|airplane arriving|rocket|flying saucer|helicopter|sailboat|speedboat|passenger ship|ship|anchor|fuel pump|vertical traffic light|world map|statue liberty|tokyo tower|european castle|japanese castle|ferris wheel|roller coaster|carousel horse|fountain|umbrella ground|beach umbrella|desert island|desert|volcano|mountain|snow capped mountain|camping|house building|house garden|office building|hospital|bank|hotel|school|church|mosque|night stars|cityscape at dusk|sunset over buildings|bridge at night|milky way|watch|mobile phone|personal computer|keyboard|desktop computer|printer|button mouse|floppy disk|optical disc|camera|camera flash|video camera|movie camera|telephone receiver|telephone|television|radio|studio microphone|alarm clock|hourglass|hourglass flowing sand|satellite antenna|battery|electric plug|electric light bulb|electric torch|candle|money wings|banknote dollar|money bag|credit card|gem stone|wrench|hammer|hammer wrench|nut bolt|gear|magnet|pistol|bomb|hocho|shield|crystal ball|pill|syringe|dna double helix|microscope|telescope|broom|basket|roll paper|shower|bathtub|key|old key|door|couch lamp|bed|teddy bear|ribbon|envelope|envelope downwards arrow|package|mailbox raised flag|memo|file folder|calendar|pushpin|paperclip|scissors|lock|lock|heart|orange heart|yellow heart|green heart|blue heart|purple heart|heart|heart|brown heart|broken heart|heart exclamation mark|two hearts|revolving hearts|beating heart|growing heart|sparkling heart|heart arrow|heart ribbon|heart decoration|peace|latin cross|yin yang|radioactive|biohazard|aries|taurus|gemini|cancer|leo|virgo|libra|scorpius|sagittarius|capricorn|aquarius|pisces|squared ok|squared cool|squared new|squared free|squared sos|no entry|no entry|cross mark|circle|exclamation mark|question mark ornament|exclamation mark ornament|question mark ornament|double exclamation mark|exclamation question mark|hundred points|check mark|ballot box check|check mark|plus|minus|division|multiplication x|dollar|universal recycling|warning|bell|bell cancellation stroke|musical note|multiple musical notes|speech balloon|thought balloon|right anger bubble|spade suit|heart suit|diamond suit|club suit|chequered flag|triangular flag post';

const KEYWORDS =
  'happy 0 1 2 3 b 8 1i|smile 0 1 2 3 8 b c d e|laugh 6 7 4 2|lol 6 7|sad 1z 20 24 13 1o 1n 1y|love ds e d g e3 e7 e6 e8 e9 e4|red ds|black dy|white dz|like 31 ds|yes 31 f8 fa 2o|no 32 ez ey 3y|ok 2o es 31 f8|thanks 3c|please 3c 1t|pray 3c|angry 2b 2a 2c 29|mad 2b 2a 2c|wow 1p 1r 1g 21|shock 21 1r 1g|cool 1j et|sick 18 1a 1b 17 19|hot 1c 64 6y|cold 1d 6b 6a|party 1i 9v 9w 9x|celebrate 1i 9v 9w 89|birthday 7w 9y 9x 1i|gift 9y|lit 64|poop 2f|dead 2e|hi 2k|hello 2k|bye 2k|strong 3e|muscle 3e|look 3g|puppy 4a|kitty 4b|coffee 84|burger 79|money cl ck cj o cm|car 9z a0 a1|plane ak al am|home be bf|phone bt c6 c5|laptop bu|music fk fl 9i 9h 9n|done f8 fa f9|idea cg|100 f7|time ca bs cb cc|target 9r|facepalm 44|shh r|quiet r|flower 5r 5s 5t 5u 5v 5w|sorry 13 3c 24|bored 28 w|scared 1w 21 1x|crazy m 1g|devil 2d|angel c|blush b 1s|embarrassed 1s 5|blown 1g|puke 1b|heart ds|笑 0 1 2 3 4 5 6 7 8 b|哈哈 6 7 4 2|哭 1z 20 1y|难过 1z 20 24 13 1o e1|伤心 1z 20 e1|爱心 ds e3 e7 e6 e8 e9 e4 dt du dv dw dx dy dz e0|爱 ds e d g|亲 g h i|赞 31 37 f7|好 31 2o es|不 32 ez ey 3y|谢谢 3c|拜托 3c 1t|生气 2b 2a 2c 29|惊讶 1p 1r 21 1g|酷 1j et|思考 s|睡 16 14 28|病 18 1a 1b 17 19|热 1c 64|冷 1d 6b 6a|庆祝 1i 9v 9w 9x 89|生日 7w 9y 9x 1i|礼物 9y|火 64|便便 2f|鼓掌 37|你好 2k|再见 2k|加油 3e|看 3g|狗 4a|猫 4b|兔 4e|熊猫 4h|熊 4g|猴 4o 4p 4q 4r|鸟 4u 4v 4t 4x 4y|鱼 5e 5f 5g 5h|花 5r 5s 5t 5u 5v 5w|树 5j 5k 5l|太阳 66 5x|月亮 5z 5y|星 60 61 62|雨 69|雪 6b 6a|咖啡 84|茶 85 86|酒 87 88 89 8a 8b 8c|水果 6d 6e 6f 6g 6h 6i 6j 6k 6l 6n 6o 6p 6q 6s|苹果 6d 6e|饭 7q 7k 7p|面 7i 7h|蛋糕 7v 7w|披萨 7b|汉堡 79|球 8d 8e 8f 8g 8i 8j 8k|音乐 fk fl 9i 9h 9n 9j|游戏 9t 9p 9u|车 9z a0 a1 a2 a4 a5 a6 a8 ac|飞机 ak al am|火箭 an|家 be bf|电话 bt c6 c5|手机 bt|电脑 bu bw|钱 cl ck cj o cm|时间 ca bs cb cc|灯 cg|完成 f8 fa f9|错 ez|警告 fh|问 f2 f4|鬼 2h|外星人 2i|机器人 2j|小丑 2g|骷髅 2e|恶魔 2d|天使 c|宝宝 3l|跳舞 46 47|跑 49|捂脸 44|耸肩 45|嘘 r|拥抱 p|眨眼 a l|害羞 b 1s|尴尬 5 11 1s|无语 w v 10|晕 1f 1e|钻石 cn|钥匙 d9|锁 dq dr|信 dg dh|手 2k 2l 2m 2o 2r 2s 31 32 37 38 3c';

/** Each emoji's search words, built on first use. */
let index: Map<string, string[]> | null = null;

function wordsByEmoji(all: readonly string[]): Map<string, string[]> {
  if (index) return index;
  const names = NAMES.split('|');
  index = new Map(all.map((e, i) => [e, (names[i] ?? '').split(' ')]));
  for (const entry of KEYWORDS.split('|')) {
    const [word, ...at] = entry.split(' ');
    for (const i of at) index.get(all[parseInt(i, 36)]!)?.push(word!);
  }
  return index;
}

/** How well `term` matches `word`: 2 exactly, 1 as its start (or, for Chinese, anywhere in it), 0 not. */
function score(term: string, word: string): number {
  if (word === term) return 2;
  if (word.startsWith(term)) return 1;
  // Chinese has no spaces: 笑 finds 微笑, and 大笑 finds 笑.
  return /[^\x20-\x7e]/.test(term) && (word.includes(term) || term.includes(word)) ? 1 : 0;
}

/**
 * The emoji among `all` (every emoji, in `EMOJI_CATEGORIES` order) whose name or keywords
 * match every word of `query` (each word matching the start of one of theirs, case-insensitively),
 * exact word matches first, otherwise in picker order.
 */
export function searchEmoji(query: string, all: readonly string[]): string[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  const found: [string, number][] = [];
  for (const [emoji, words] of wordsByEmoji(all)) {
    let total = 0;
    for (const term of terms) {
      const best = Math.max(0, ...words.map((w) => score(term, w)));
      if (best === 0) {
        total = -1;
        break;
      }
      total += best;
    }
    if (total > 0) found.push([emoji, total]);
  }
  return found.sort((a, b) => b[1] - a[1]).map(([emoji]) => emoji);
}

/** How many names there are (for the test that keeps them in step with the emoji). */
export const NAME_COUNT = NAMES.split('|').length;
