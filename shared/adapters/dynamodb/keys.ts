/** Every key of the table is built here, so the layout can be read (and changed) in one file. */
export const keys = {
  programme: () => ({ pk: 'EVENT', sk: 'PROGRAMME' }),
  delegation: (code: string) => ({ pk: `DELEGATION#${code}`, sk: 'DELEGATION' }),
  delegationsOfCategory: (category: string) => ({ gsi1pk: `CATEGORY#${category}` }),
  seat: (code: string) => ({ pk: `DELEGATION#${code}`, sk: 'SEAT' }),
  participant: (id: string) => ({ pk: `PARTICIPANT#${id}`, sk: 'PARTICIPANT' }),
  participantsOfDelegation: (code: string) => ({ gsi1pk: `DELEGATION#${code}#PARTICIPANTS` }),
  allParticipants: () => ({ gsi2pk: 'PARTICIPANTS' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  roomMeeting: (roomId: string) => ({ pk: `ROOM#${roomId}`, sk: 'MEETING' }),
  attendee: (participantId: string, roomId: string) => ({
    pk: `PARTICIPANT#${participantId}`,
    sk: `ATTENDEE#${roomId}`,
  }),
  attendeePrefix: 'ATTENDEE#',
  audit: (at: string, id: string) => ({ pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${id}` }),
  allAudit: () => ({ gsi2pk: 'AUDIT' }),
} as const;

export const ITEM_VERSION = 1;
