/* The document form with fewer clicks (served as a static file: no inline scripts).
 *
 * - Autocompletes may create a record: typing a name that is not there offers
 *   “Create “name”…”; the server checks for likely duplicates first and, if it finds any,
 *   they are listed with links (“Use this one”, or “Create it anyway”).
 * - Link rows: the next empty row appears by itself once the last one is filled.
 * - Scans: choose several files at once; order them by dragging or with the arrow buttons
 *   (keyboard accessible); positions follow the order on the page.
 * - Ctrl+S (Cmd+S on a Mac) saves and continues editing.
 */
'use strict';
{
    const $ = django.jQuery;

    function csrfToken() {
        const field = document.querySelector('input[name=csrfmiddlewaretoken]');
        return field ? field.value : '';
    }

    // --- autocompletes that can create ---------------------------------------------------

    function announce(element, message) {
        const box = noticeBox(element);
        box.textContent = message;
    }

    function noticeBox(element) {
        const container = $(element).next('.select2')[0] || element;
        let box = container.parentNode.querySelector('.quick-add-notice');
        if (!box) {
            box = document.createElement('div');
            box.className = 'quick-add-notice';
            box.setAttribute('role', 'status');
            container.after(box);
        }
        return box;
    }

    function choose(element, id, text, replacing) {
        const $el = $(element);
        if (replacing) {
            $el.find('option').filter((i, o) => o.value === replacing).remove();
        }
        if (!$el.find('option').filter((i, o) => o.value === String(id)).length) {
            $el.append(new Option(text, id, true, true));
        }
        const values = element.multiple ? ($el.val() || []).filter((v) => v !== replacing) : [];
        $el.val(element.multiple ? values.concat([String(id)]) : String(id)).trigger('change');
    }

    function showDuplicates(element, term, duplicates, tempId) {
        const box = noticeBox(element);
        box.textContent = '';
        box.classList.add('quick-add-duplicates');
        const noun = element.dataset.quickAddNoun || 'record';
        const heading = document.createElement('p');
        heading.textContent = `Possible duplicate: “${term}” looks like an existing ${noun}:`;
        box.append(heading);
        const list = document.createElement('ul');
        for (const item of duplicates) {
            const li = document.createElement('li');
            const link = document.createElement('a');
            link.href = item.url;
            link.target = '_blank';
            link.textContent = item.text + (item.matched !== item.text ? ` (as “${item.matched}”)` : '');
            const use = document.createElement('button');
            use.type = 'button';
            use.className = 'button';
            use.textContent = 'Use this one';
            use.addEventListener('click', () => {
                choose(element, item.id, item.text, tempId);
                box.remove();
            });
            li.append(link, ' ', use);
            list.append(li);
        }
        box.append(list);
        const create = document.createElement('button');
        create.type = 'button';
        create.className = 'button';
        create.textContent = `None of these: create “${term}”`;
        create.addEventListener('click', () => quickAdd(element, term, tempId, true));
        box.append(create);
    }

    function quickAdd(element, term, tempId, confirmed) {
        const body = new URLSearchParams({name: term});
        if (confirmed) {
            body.set('confirm', '1');
        }
        announce(element, `Creating “${term}”…`);
        fetch(element.dataset.quickAddUrl, {
            method: 'POST',
            body: body,
            headers: {'X-CSRFToken': csrfToken()},
            credentials: 'same-origin'
        }).then((response) => response.json().then((data) => ({status: response.status, data})))
            .then(({status, data}) => {
                if (status === 201) {
                    choose(element, data.id, data.text, tempId);
                    announce(element, `Created “${data.text}”.`);
                } else if (status === 409) {
                    showDuplicates(element, term, data.duplicates, tempId);
                } else {
                    announce(element, data.error || 'Could not create it.');
                }
            })
            .catch(() => announce(element, 'Could not create it: the server did not answer.'));
    }

    function select2Options(element) {
        const options = {
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName
                })
            }
        };
        if (element.dataset.quickAddUrl) {
            // Existing records first, then “Create …” (unless one is named exactly so).
            options.ajax.processResults = (data, params) => {
                const results = data.results.slice();
                const term = $.trim(params.term || '');
                const named = results.some((r) => r.text.toLowerCase() === term.toLowerCase());
                if (term && !(params.page > 1) && !named) {
                    results.push({id: `__new__:${term}`, text: `Create “${term}”…`, newTerm: term});
                }
                return {results: results, pagination: data.pagination};
            };
        }
        return options;
    }

    $.fn.djangoAdminSelect2 = function() {
        $.each(this, function(i, element) {
            $(element).select2(select2Options(element));
            if (element.dataset.quickAddUrl) {
                $(element).on('select2:select', (event) => {
                    const data = event.params.data;
                    if (data.newTerm) {
                        quickAdd(element, data.newTerm, data.id, false);
                    }
                });
            }
        });
        return this;
    };

    // --- link rows: the next row appears by itself ----------------------------------------

    $(document).on('change', '.link-rows select.admin-autocomplete', function() {
        if (!this.value || this.value.startsWith('__new__:')) {
            return;
        }
        const row = this.closest('tr.form-row');
        const group = this.closest('.inline-group');
        const rows = group.querySelectorAll('tr.form-row:not(.empty-form)');
        if (row === rows[rows.length - 1]) {
            const add = group.querySelector('.add-row a');
            if (add) {
                add.click();
            }
        }
    });

    // --- scans: several files at once, order by drag or arrows ----------------------------

    function scanRows(group) {
        return Array.from(group.querySelectorAll('tr.form-row:not(.empty-form)'));
    }

    function renumber(group) {
        scanRows(group).forEach((row, index) => {
            const position = row.querySelector('input[name$="-position"]');
            if (position) {
                position.value = index + 1;
            }
        });
    }

    function move(row, by) {
        const group = row.closest('.inline-group');
        const rows = scanRows(group);
        const target = rows[rows.indexOf(row) + by];
        if (!target) {
            return;
        }
        if (by < 0) {
            target.before(row);
        } else {
            target.after(row);
        }
        renumber(group);
    }

    function addMoveButtons(row) {
        const cell = row.querySelector('td.field-position');
        if (!cell || cell.querySelector('.scan-move')) {
            return;
        }
        row.draggable = true;
        for (const [label, by, text] of [['Move up', -1, '↑'], ['Move down', 1, '↓']]) {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'scan-move';
            button.setAttribute('aria-label', label);
            button.title = label;
            button.textContent = text;
            button.addEventListener('click', () => {
                move(row, by);
                button.focus();
            });
            cell.append(button);
        }
    }

    function setUpScans(group) {
        scanRows(group).forEach(addMoveButtons);
        const template = group.querySelector('.empty-form input[type=file]');
        const picker = document.createElement('p');
        picker.className = 'scan-picker';
        const label = document.createElement('label');
        label.textContent = 'Add scans (choose one or more files, in reading order): ';
        const input = document.createElement('input');
        input.type = 'file';
        input.multiple = true;
        input.accept = template ? template.accept : '';
        input.setAttribute('aria-label', 'Add scans');
        label.append(input);
        picker.append(label);
        group.querySelector('fieldset, .tabular').before(picker);
        input.addEventListener('change', () => {
            for (const file of input.files) {
                group.querySelector('.add-row a').click();
                const rows = scanRows(group);
                const fileInput = rows[rows.length - 1].querySelector('input[type=file]');
                const transfer = new DataTransfer();
                transfer.items.add(file);
                fileInput.files = transfer.files;
            }
            input.value = '';
            renumber(group);
        });
        let dragged = null;
        group.addEventListener('dragstart', (event) => {
            dragged = event.target.closest('tr.form-row');
        });
        group.addEventListener('dragover', (event) => {
            if (dragged) {
                event.preventDefault();
            }
        });
        group.addEventListener('drop', (event) => {
            const target = event.target.closest('tr.form-row');
            if (dragged && target && target !== dragged) {
                event.preventDefault();
                const rows = scanRows(group);
                if (rows.indexOf(dragged) < rows.indexOf(target)) {
                    target.after(dragged);
                } else {
                    target.before(dragged);
                }
                renumber(group);
            }
            dragged = null;
        });
        document.addEventListener('formset:added', (event) => {
            if (event.detail && event.detail.formsetName === 'scans') {
                addMoveButtons(event.target);
                renumber(group);
            }
        });
    }

    // --- keyboard: Ctrl/Cmd+S saves and continues ------------------------------------------

    // Capture phase: an autocomplete's search box stops its key events from bubbling.
    document.addEventListener('keydown', (event) => {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
            const button = document.querySelector('input[name="_continue"]');
            if (button) {
                event.preventDefault();
                button.click();
            }
        }
    }, true);

    $(function() {
        const scans = document.getElementById('scans-group');
        if (scans) {
            setUpScans(scans);
            scans.closest('form').addEventListener('submit', () => renumber(scans));
        }
    });
}
