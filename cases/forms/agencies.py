"""The municipality's partner agencies."""

from django import forms

from cases.models import PartnerAgency


class AgencyForm(forms.ModelForm):
    class Meta:
        model = PartnerAgency
        fields = ["name", "kind", "contact"]

    def _post_clean(self):
        """The service writes and checks the name is free: the form only validates the fields."""

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
