// Prints what each prompt audio file says, one `locale<TAB>file<TAB>text` line per file,
// derived from the IVR's prompt catalogs (see `promptAudioTexts`). Used by generate-prompts.sh.
import { promptAudioTexts } from '../src/prompts.js';

for (const t of promptAudioTexts()) process.stdout.write(`${t.locale}\t${t.file}\t${t.text}\n`);
