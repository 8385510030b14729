/* Bulk edit: show only the chooser (and the role) for the kind of record chosen under
 * “What”. Without JavaScript every chooser stays visible and the form works the same. */
'use strict';
{
    const CHOOSERS = ['subject', 'collection', 'person', 'organization', 'place'];
    const ROLES = {person: 'role', organization: 'role', place: 'place_role'};

    function show() {
        const chosen = document.querySelector('input[name="bulk-kind"]:checked');
        if (!chosen) {
            return;
        }
        for (const kind of CHOOSERS) {
            const row = document.querySelector(`.bulk-edit__${kind}`);
            if (row) {
                row.hidden = kind !== chosen.value;
            }
        }
        for (const role of ['role', 'place_role']) {
            const row = document.querySelector(`.bulk-edit__${role}`);
            if (row) {
                row.hidden = ROLES[chosen.value] !== role;
            }
        }
    }

    document.addEventListener('DOMContentLoaded', () => {
        for (const input of document.querySelectorAll('input[name="bulk-kind"]')) {
            input.addEventListener('change', show);
        }
        show();
    });
}
