"""coordination bodies with their member organisations and admins

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coordination_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordination_bodies'))
    )
    op.create_table('body_members',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['coordination_bodies.id'], name=op.f('fk_body_members_body_id_coordination_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_body_members_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('body_id', 'organisation_id', name=op.f('pk_body_members'))
    )
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_members_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('body_admins',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['coordination_bodies.id'], name=op.f('fk_body_admins_body_id_coordination_bodies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_body_admins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('body_id', 'user_id', name=op.f('pk_body_admins'))
    )
    with op.batch_alter_table('body_admins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_admins_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('body_admins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_admins_user_id'))

    op.drop_table('body_admins')
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_members_organisation_id'))

    op.drop_table('body_members')
    op.drop_table('coordination_bodies')
