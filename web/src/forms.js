// In-place checks that repeat the server's: a required field left empty or
// a number that is not one is marked next to the field (tied to it with
// aria-describedby) before the form is sent. The server checks everything
// again; with JavaScript off its answer shows the same messages.
function messageFor(input) {
  if (input.validity.valueMissing) return input.dataset.msgRequired || input.validationMessage;
  if (input.validity.badInput || input.validity.patternMismatch || input.validity.typeMismatch) {
    return input.dataset.msgInvalid || input.validationMessage;
  }
  return '';
}

function showError(input, text) {
  const id = `${input.id}-fout`;
  let element = document.getElementById(id);
  const field = input.closest('.utrecht-form-field');
  if (!text) {
    if (element && element.dataset.client === 'true') element.remove();
    field?.classList.remove('utrecht-form-field--invalid');
    input.removeAttribute('aria-invalid');
    return;
  }
  if (!element) {
    element = document.createElement('p');
    element.id = id;
    element.className = 'utrecht-form-field-error-message';
    element.dataset.client = 'true';
    input.insertAdjacentElement('beforebegin', element);
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!described.includes(id)) input.setAttribute('aria-describedby', [...described, id].join(' '));
  }
  element.textContent = text;
  field?.classList.add('utrecht-form-field--invalid');
  input.setAttribute('aria-invalid', 'true');
}

export function enhanceForms(root) {
  for (const form of root.querySelectorAll('form[data-check]')) {
    form.noValidate = true;
    form.addEventListener('submit', (event) => {
      let first = null;
      for (const input of form.querySelectorAll('input[required], input[data-number], select[required]')) {
        let text = messageFor(input);
        if (!text && input.dataset.number !== undefined && input.value.trim() !== '' &&
            !/^-?\d+([.,]\d+)?$/.test(input.value.trim())) {
          text = input.dataset.msgInvalid || '';
        }
        showError(input, text);
        if (text && !first) first = input;
      }
      if (first) {
        event.preventDefault();
        first.focus();
      }
    });
  }
}
