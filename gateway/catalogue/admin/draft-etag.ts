// A draft's entity-tag (gateway/README.md#drafts-and-four-eyes): the draft's status and the time of
// its last save, both stored on it, so the tag changes with every save of its content (updatedAt)
// and every move of its status (submit, approve, reject). A validation kept on the draft changes
// neither, on purpose: validating between a read and a save must not refuse that save. The tag is
// checked by move-draft.lua in the same step as the write (catalogue-admin.ts updateDraft).
export function draftETag(draft: { readonly status: string; readonly updatedAt: string }): string {
  return `"${draft.status}/${draft.updatedAt}"`;
}

const EDITABLE = 'draft/';

/**
 * The saves (updatedAt values) that If-Match's strong tags name while the draft can be edited: a
 * tag of another status (or not ours) names none, so it cannot match a draft a save may replace.
 */
export function savesNamed(tags: readonly string[]): string[] {
  return tags.filter((tag) => tag.startsWith(EDITABLE)).map((tag) => tag.slice(EDITABLE.length));
}
