import { planPrefixReservation } from '../../../../shared/domain/prefix-reservation-plan.js';

describe('planPrefixReservation', () => {
  it('takes the smallest aligned free range holding the blocks asked for', () => {
    // Act: a /24 with .4 used; blocks .16 to .240 are free, .64/26 is the first aligned run of 4.
    const plan = planPrefixReservation(
      'subnet-a',
      { cidr: '10.0.0.0/24', privateIps: ['10.0.0.4'], prefixes: [], reservations: [] },
      3,
    );

    // Assess
    expect(plan).toEqual({
      kind: 'reserve',
      subnetId: 'subnet-a',
      cidr: '10.0.0.64/26',
      blocks: 4,
      covers: true,
      command:
        'aws ec2 create-subnet-cidr-reservation --subnet-id subnet-a --cidr 10.0.0.64/26 --reservation-type prefix',
    });
  });

  it('never reaches past the subnet or into its reserved first and last blocks, even when asked for more', () => {
    // Act: an empty /26 asked for 100 blocks.
    const plan = planPrefixReservation(
      'subnet-a',
      { cidr: '10.0.0.0/26', privateIps: [], prefixes: [], reservations: [] },
      100,
    );

    // Assess: .0/28 and .48/28 hold AWS-reserved addresses; .16 and .32 are not an aligned /27.
    expect(plan).toMatchObject({ kind: 'reserve', cidr: '10.0.0.16/28', blocks: 1, covers: false });
  });

  it('avoids used addresses, prefixes and existing reservations, or says there is no free range', () => {
    // Prepare: every block of a /26 but the reserved ones is taken by a prefix or a reservation.
    const input = {
      cidr: '10.0.0.0/26',
      privateIps: [],
      prefixes: ['10.0.0.16/28'],
      reservations: [{ cidr: '10.0.0.32/28', type: 'prefix' as const }],
    };

    // Act / Assess
    expect(planPrefixReservation('subnet-a', input, 1)).toEqual({
      kind: 'no-free-range',
      subnetId: 'subnet-a',
    });
  });
});
